/*===- npy_harness.c - run a qcc model object on .npy files ---------------===*
 *
 * This file implements a target-independent C harness for an object compiled
 * with `qcc ... -name=model -o DIR/model.o` (compile with -IDIR). It is the
 * cross-compiled counterpart of qcc-run: scripts/qemu-run.py links it
 * statically for AArch64 and runs it under qemu-aarch64, but it builds and
 * runs on any target with a C11 library and POSIX mkdir:
 *
 *   run [--input=NAME=FILE.npy]... --output-dir=DIR [--benchmark=N]
 *
 * It reads each input as a .npy array (format versions 1-3, C order, little
 * or no byte order), checks its element type and shape against
 * model_info(), runs the model once through model_run_array and writes
 * every output as DIR/<output name>.npy, with the name mangled as qcc-run
 * does (characters outside [A-Za-z0-9_.-] become '_'). A single-input model
 * takes its input under any name. As with qcc-run, numpy has no bfloat16, so
 * bfloat16 tensors travel as uint16 arrays of their bit patterns.
 * --benchmark=N also runs N more times and prints `median_ms: <value>`.
 *
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#if MODEL_QCC_ABI_VERSION != 1
#error "npy_harness.c is written against version 1 of the qcc ABI"
#endif

/* Every failure exits with status 1 after one `npy_harness: error: ...`
   line on stderr. */
static void die(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "npy_harness: error: ");
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
  va_end(args);
  exit(1);
}

/* The numpy descr (without byte order) and element size of a dtype. */
static const char *npy_descr(int32_t dtype, size_t *size) {
  switch (dtype) {
  case QCC_DTYPE_FLOAT32: *size = 4; return "f4";
  case QCC_DTYPE_FLOAT16: *size = 2; return "f2";
  case QCC_DTYPE_BFLOAT16: *size = 2; return "u2";
  case QCC_DTYPE_FLOAT64: *size = 8; return "f8";
  case QCC_DTYPE_INT8: *size = 1; return "i1";
  case QCC_DTYPE_UINT8: *size = 1; return "u1";
  case QCC_DTYPE_INT16: *size = 2; return "i2";
  case QCC_DTYPE_UINT16: *size = 2; return "u2";
  case QCC_DTYPE_INT32: *size = 4; return "i4";
  case QCC_DTYPE_UINT32: *size = 4; return "u4";
  case QCC_DTYPE_INT64: *size = 8; return "i8";
  case QCC_DTYPE_UINT64: *size = 8; return "u8";
  case QCC_DTYPE_BOOL: *size = 1; return "b1";
  default: *size = 0; return NULL;
  }
}

static void *xalloc(size_t bytes) {
  /* aligned_alloc needs a size that is a multiple of the alignment. */
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p)
    die("out of memory (%zu bytes)", bytes);
  memset(p, 0, rounded ? rounded : 64);
  return p;
}

static void shape_string(const int64_t *shape, int rank, char *buf,
                         size_t len) {
  size_t pos = 0;
  buf[0] = 0;
  for (int d = 0; d < rank && pos < len; ++d)
    pos += snprintf(buf + pos, len - pos, d ? "x%lld" : "%lld",
                    (long long)shape[d]);
}

/* Reads FILE.npy into a fresh buffer after checking that it holds exactly the
   tensor `t`: same element type (bfloat16 as uint16), same shape, C order. */
static void *read_npy(const char *path, const qcc_tensor_info *t) {
  FILE *f = fopen(path, "rb");
  if (!f)
    die("cannot open %s: %s", path, strerror(errno));
  unsigned char magic[8];
  if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "\x93NUMPY", 6) != 0 ||
      magic[6] < 1 || magic[6] > 3)
    die("%s is not a .npy file", path);
  unsigned char lenbytes[4] = {0, 0, 0, 0};
  size_t lensize = magic[6] == 1 ? 2 : 4;
  if (fread(lenbytes, 1, lensize, f) != lensize)
    die("%s: truncated .npy header", path);
  size_t hlen = lenbytes[0] | (size_t)lenbytes[1] << 8 |
                (size_t)lenbytes[2] << 16 | (size_t)lenbytes[3] << 24;
  char *header = malloc(hlen + 1);
  if (!header || fread(header, 1, hlen, f) != hlen)
    die("%s: truncated .npy header", path);
  header[hlen] = 0;

  /* The header is a Python dict literal written by numpy:
     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 16), } */
  const char *descr = strstr(header, "'descr':");
  const char *order = strstr(header, "'fortran_order':");
  const char *shape = strstr(header, "'shape':");
  if (!descr || !order || !shape)
    die("%s: unrecognized .npy header %s", path, header);
  descr = strchr(descr + 8, '\'');
  if (!descr)
    die("%s: unrecognized .npy header %s", path, header);
  ++descr;
  const char *descrEnd = strchr(descr, '\'');
  if (!descrEnd)
    die("%s: unrecognized .npy header %s", path, header);
  /* Byte order: little endian ('<'), native ('=', the targets qcc supports
     are little endian) or not applicable ('|'). */
  if (*descr == '<' || *descr == '=' || *descr == '|')
    ++descr;
  else
    die("%s: big-endian data is not supported (%s)", path, header);
  size_t size;
  const char *want = npy_descr(t->dtype, &size);
  if (!want)
    die("model input %s has an unsupported dtype", t->name);
  if ((size_t)(descrEnd - descr) != strlen(want) ||
      strncmp(descr, want, strlen(want)) != 0) {
    die("input '%s' must have numpy dtype '%s', %s holds '%.*s'", t->name,
        want, path, (int)(descrEnd - descr), descr);
  }
  const char *value = order + strlen("'fortran_order':");
  while (*value == ' ')
    ++value;
  if (strncmp(value, "False", 5) != 0)
    die("%s: Fortran-order arrays are not supported", path);

  int64_t dims[64];
  int rank = 0;
  const char *p = strchr(shape, '(');
  if (!p)
    die("%s: unrecognized .npy header %s", path, header);
  ++p;
  for (;;) {
    while (*p == ' ' || *p == ',')
      ++p;
    if (*p == ')')
      break;
    char *end;
    long long d = strtoll(p, &end, 10);
    if (end == p || rank == 64)
      die("%s: unrecognized .npy shape in %s", path, header);
    dims[rank++] = d;
    p = end;
  }
  int same = rank == t->rank;
  for (int d = 0; same && d < rank; ++d)
    same = dims[d] == t->shape[d];
  if (!same) {
    char wantShape[512], haveShape[512];
    shape_string(t->shape, t->rank, wantShape, sizeof wantShape);
    shape_string(dims, rank, haveShape, sizeof haveShape);
    die("input '%s' must have shape [%s], %s has [%s]", t->name, wantShape,
        path, haveShape);
  }
  free(header);

  size_t bytes = (size_t)t->size * size;
  void *data = xalloc(bytes);
  if (fread(data, 1, bytes, f) != bytes)
    die("%s: fewer elements than its shape says", path);
  fclose(f);
  return data;
}

/* Writes `t` as a version 1.0 .npy file. */
static void write_npy(const char *path, const qcc_tensor_info *t,
                      const void *data) {
  size_t size;
  const char *descr = npy_descr(t->dtype, &size);
  char dict[1024];
  int len = snprintf(dict, sizeof dict,
                     "{'descr': '%c%s', 'fortran_order': False, 'shape': (",
                     size == 1 ? '|' : '<', descr);
  for (int d = 0; d < t->rank; ++d)
    len += snprintf(dict + len, sizeof dict - len, "%lld,%s",
                    (long long)t->shape[d], d + 1 < t->rank ? " " : "");
  if (t->rank > 1) /* (2, 16,) -> (2, 16) as numpy writes it */
    --len;
  len += snprintf(dict + len, sizeof dict - len, "), }");
  /* Pad with spaces and a newline so that magic + length + dict is a
     multiple of 64 bytes. */
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f)
    die("cannot write %s: %s", path, strerror(errno));
  unsigned hlen = (unsigned)(len + pad + 1);
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (unsigned char)(hlen & 0xff),
                              (unsigned char)(hlen >> 8)};
  fwrite(prefix, 1, 10, f);
  fwrite(dict, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  size_t bytes = (size_t)t->size * size;
  if (fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0)
    die("cannot write %s: %s", path, strerror(errno));
}

/* qcc-run's output file name: characters outside [A-Za-z0-9_.-] become '_';
   "", "." and ".." get a leading '_'. */
static void output_path(const char *dir, const char *name, char *buf,
                        size_t len) {
  size_t pos = (size_t)snprintf(buf, len, "%s/", dir);
  size_t start = pos;
  for (const char *c = name; *c && pos + 5 < len; ++c) {
    int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
             (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-';
    buf[pos++] = ok ? *c : '_';
  }
  buf[pos] = 0;
  if (!strcmp(buf + start, "") || !strcmp(buf + start, ".") ||
      !strcmp(buf + start, "..")) {
    memmove(buf + start + 1, buf + start, pos - start + 1);
    buf[start] = '_';
    ++pos;
  }
  snprintf(buf + pos, len - pos, ".npy");
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const qcc_model_info *info = model_info();
  const char *outDir = NULL;
  long benchmark = 0;
  const char *names[MODEL_NUM_INPUTS + 1];
  const char *files[MODEL_NUM_INPUTS + 1];
  int given = 0;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strncmp(arg, "--input=", 8)) {
      const char *eq = strchr(arg + 8, '=');
      if (!eq || eq == arg + 8 || !eq[1])
        die("invalid %s: expected --input=NAME=FILE.npy", arg);
      if (given == MODEL_NUM_INPUTS)
        die("more --input arguments than the model's %d inputs",
            MODEL_NUM_INPUTS);
      size_t n = (size_t)(eq - (arg + 8));
      char *name = malloc(n + 1);
      memcpy(name, arg + 8, n);
      name[n] = 0;
      for (int g = 0; g < given; ++g)
        if (!strcmp(names[g], name))
          die("input '%s' given twice", name);
      names[given] = name;
      files[given++] = eq + 1;
    } else if (!strncmp(arg, "--output-dir=", 13)) {
      outDir = arg + 13;
    } else if (!strncmp(arg, "--benchmark=", 12)) {
      char *end;
      benchmark = strtol(arg + 12, &end, 10);
      if (*end || benchmark < 0)
        die("invalid %s", arg);
    } else {
      die("unknown argument %s (usage: --input=NAME=FILE.npy... "
          "--output-dir=DIR [--benchmark=N])",
          arg);
    }
  }

  /* Inputs in graph order; a single-input model takes any name. */
  const void *inputs[MODEL_NUM_INPUTS + 1];
  int used[MODEL_NUM_INPUTS + 1] = {0};
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    const qcc_tensor_info *t = &info->inputs[i];
    int found = -1;
    for (int g = 0; g < given; ++g)
      if (!strcmp(names[g], t->name))
        found = g;
    if (found < 0 && info->num_inputs == 1 && given == 1)
      found = 0;
    if (found < 0)
      die("missing --input for model input '%s'", t->name);
    used[found] = 1;
    inputs[i] = read_npy(files[found], t);
  }
  for (int g = 0; g < given; ++g)
    if (!used[g])
      die("--input '%s' is not an input of the model", names[g]);

  void *outputs[MODEL_NUM_OUTPUTS + 1];
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    size_t size;
    if (!npy_descr(info->outputs[i].dtype, &size))
      die("model output %s has an unsupported dtype", info->outputs[i].name);
    outputs[i] = xalloc((size_t)info->outputs[i].size * size);
  }

  model_context ctx;
  ctx.scratch_size = model_scratch_size();
  ctx.scratch = ctx.scratch_size ? xalloc(ctx.scratch_size) : NULL;
  int rc = model_run_array(&ctx, inputs, outputs);
  if (rc != QCC_OK) {
    fprintf(stderr, "npy_harness: error: model_run_array returned %d\n", rc);
    return 1;
  }

  if (outDir) {
    if (mkdir(outDir, 0777) != 0 && errno != EEXIST)
      die("cannot create %s: %s", outDir, strerror(errno));
    for (uint32_t i = 0; i < info->num_outputs; ++i) {
      char path[4096];
      output_path(outDir, info->outputs[i].name, path, sizeof path);
      write_npy(path, &info->outputs[i], outputs[i]);
    }
  }

  if (benchmark > 0) {
    double *times = malloc((size_t)benchmark * sizeof(double));
    for (long r = 0; r < benchmark; ++r) {
      double start = now_ms();
      model_run_array(&ctx, inputs, outputs);
      times[r] = now_ms() - start;
    }
    qsort(times, (size_t)benchmark, sizeof(double), compare_double);
    printf("median_ms: %.4f\n", times[benchmark / 2]);
  }
  return 0;
}
