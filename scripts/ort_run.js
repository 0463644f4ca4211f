#!/usr/bin/env node
// ort_run.js - runs an ONNX model with ONNX Runtime on .npy inputs.
//
// The oracle for qcc's real-model tests and the peer for its benchmarks. Uses
// onnxruntime-node from the cache filled by scripts/fetch-peers.sh, with one
// intra-op thread and sequential execution so that timings compare with qcc's
// single-threaded object.
//
//   node scripts/ort_run.js MODEL.onnx --input=NAME=FILE.npy ... \
//        [--output-dir=DIR] [--benchmark=N] [--warmup=N]
//
// Writes DIR/<output name>.npy for every model output (characters outside
// [A-Za-z0-9_.-] become '_', as qcc-run does). With --benchmark=N, runs the
// model N more times and prints a last line `median_ms: <value>`.
//
// Environment: QCC_NODE_MODULES (default ${QCC_CACHE:-~/.cache/qcc}/npm/node_modules).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

function die(msg) {
  process.stderr.write(`ort_run: error: ${msg}\n`);
  process.exit(2);
}

//===----------------------------------------------------------------------===//
// .npy reading and writing (format versions 1.0-3.0, C order only).
//===----------------------------------------------------------------------===//

// numpy descr (without byte order) -> [ORT type, TypedArray, element size].
const DTYPES = {
  f4: ['float32', Float32Array, 4],
  f8: ['float64', Float64Array, 8],
  i8: ['int64', BigInt64Array, 8],
  i4: ['int32', Int32Array, 4],
  i2: ['int16', Int16Array, 2],
  u1: ['uint8', Uint8Array, 1],
  i1: ['int8', Int8Array, 1],
  b1: ['bool', Uint8Array, 1],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 ||
      buf.toString('latin1', 1, 6) !== 'NUMPY')
    die(`${file}: not a .npy file`);
  const major = buf.readUInt8(6);
  let headerLen, offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    die(`${file}: unsupported .npy version ${major}`);
  }
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) die(`${file}: malformed .npy header`);
  if (fortran[1] === 'True') die(`${file}: Fortran-order arrays are not supported`);
  const d = descr[1];
  const order = d[0];
  const key = d.slice(1);
  if (!(key in DTYPES)) die(`${file}: unsupported dtype '${d}'`);
  if (order === '>' && DTYPES[key][2] > 1) die(`${file}: big-endian data is not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length)
                   .map((s) => parseInt(s, 10));
  const [ortType, Ctor, size] = DTYPES[key];
  const count = dims.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  if (buf.length - start < count * size) die(`${file}: truncated data`);
  // Copy into a fresh, aligned buffer (the file data may be misaligned).
  const bytes = new Uint8Array(count * size);
  buf.copy(bytes, 0, start, start + count * size);
  return {type: ortType, data: new Ctor(bytes.buffer), dims};
}

function writeNpy(file, type, data, dims) {
  const entry = Object.entries(DTYPES).find(([, v]) => v[0] === type);
  if (!entry) die(`cannot write output of type '${type}' to ${file}`);
  const [key, , size] = entry;
  const descr = (size === 1 ? '|' : '<') + key;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so that the data starts at a multiple of 64 bytes; header ends in '\n'.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.writeUInt8(0x93, 0);
  pre.write('NUMPY', 1, 'latin1');
  pre.writeUInt8(1, 6);
  pre.writeUInt8(0, 7);
  pre.writeUInt16LE(header.length, 8);
  let payload;
  if (type === 'bool')
    payload = Buffer.from(Uint8Array.from(data, (v) => (v ? 1 : 0)));
  else
    payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), payload]));
}

//===----------------------------------------------------------------------===//
// Driver.
//===----------------------------------------------------------------------===//

function parseArgs(argv) {
  const opts = {model: null, inputs: [], outputDir: null, benchmark: 0, warmup: 2};
  for (const a of argv) {
    let m;
    if ((m = /^--input=([^=]+)=(.+)$/.exec(a))) opts.inputs.push([m[1], m[2]]);
    else if ((m = /^--output-dir=(.+)$/.exec(a))) opts.outputDir = m[1];
    else if ((m = /^--benchmark=(\d+)$/.exec(a))) opts.benchmark = parseInt(m[1], 10);
    else if ((m = /^--warmup=(\d+)$/.exec(a))) opts.warmup = parseInt(m[1], 10);
    else if (a.startsWith('-')) die(`unknown option '${a}'`);
    else if (opts.model === null) opts.model = a;
    else die(`unexpected argument '${a}'`);
  }
  if (!opts.model) {
    process.stderr.write('usage: ort_run.js MODEL.onnx --input=NAME=FILE.npy ... ' +
                         '[--output-dir=DIR] [--benchmark=N] [--warmup=N]\n');
    process.exit(2);
  }
  return opts;
}

function loadOrt() {
  const cache = process.env.QCC_CACHE || path.join(os.homedir(), '.cache', 'qcc');
  const nm = process.env.QCC_NODE_MODULES || path.join(cache, 'npm', 'node_modules');
  const dir = path.join(nm, 'onnxruntime-node');
  if (!fs.existsSync(dir))
    die(`onnxruntime-node not found in ${nm} (run scripts/fetch-peers.sh)`);
  return require(dir);
}

function sanitize(name) {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(opts.model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });

  const feeds = {};
  for (const [name, file] of opts.inputs) {
    if (!session.inputNames.includes(name))
      die(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    const t = readNpy(file);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  }
  for (const name of session.inputNames)
    if (!(name in feeds)) die(`missing --input for model input '${name}'`);

  const results = await session.run(feeds);
  if (opts.outputDir) {
    fs.mkdirSync(opts.outputDir, {recursive: true});
    for (const name of session.outputNames) {
      const t = results[name];
      writeNpy(path.join(opts.outputDir, sanitize(name) + '.npy'), t.type, t.data, t.dims);
    }
  }

  if (opts.benchmark > 0) {
    for (let i = 0; i < opts.warmup; ++i) await session.run(feeds);
    const times = [];
    for (let i = 0; i < opts.benchmark; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const n = times.length;
    const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    console.log(`median_ms: ${median.toFixed(4)}`);
  }
}

main().catch((e) => die(e && e.message ? e.message : String(e)));
