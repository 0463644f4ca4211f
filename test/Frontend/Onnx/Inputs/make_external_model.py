#!/usr/bin/env python3
"""Writes a tiny binary ONNX model whose initializer lives in external data.

usage: make_external_model.py MODEL_PATH LOCATION [--data FILE] [--length N]

The model computes Y = X + W with X, W, Y float[4]; W's TensorProto has
data_location = EXTERNAL and external_data {location, offset 8, length}. With
--data, the 8-byte header plus four floats (1, 2, 3, 4) are written to FILE.
The protobuf wire format is encoded by hand so the test needs no onnx or
protobuf Python package.
"""
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def f_int(field, n):
    return key(field, 0) + varint(n)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return key(field, 2) + varint(len(data)) + data


def value_info(name, dims):
    shape = b"".join(f_bytes(1, f_int(1, d)) for d in dims)
    tensor_type = f_int(1, 1) + f_bytes(2, shape)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, tensor_type))


def main():
    args = sys.argv[1:]
    model_path, location = args[0], args[1]
    data_file = None
    length = 16
    if "--data" in args:
        data_file = args[args.index("--data") + 1]
    if "--length" in args:
        length = int(args[args.index("--length") + 1])
    if data_file:
        with open(data_file, "wb") as f:
            f.write(b"HEADER!!" + struct.pack("<4f", 1.0, 2.0, 3.0, 4.0))

    entry = lambda k, v: f_bytes(13, f_bytes(1, k) + f_bytes(2, v))
    weight = (f_int(1, 4) + f_int(2, 1) + f_bytes(8, "W") +
              entry("location", location) + entry("offset", "8") +
              entry("length", str(length)) + f_int(14, 1))
    node = f_bytes(1, "X") + f_bytes(1, "W") + f_bytes(2, "Y") + \
        f_bytes(3, "add") + f_bytes(4, "Add")
    graph = (f_bytes(1, node) + f_bytes(2, "g") + f_bytes(5, weight) +
             f_bytes(11, value_info("X", [4])) +
             f_bytes(12, value_info("Y", [4])))
    model = f_int(1, 8) + f_bytes(8, f_int(2, 13)) + f_bytes(7, graph)
    with open(model_path, "wb") as f:
        f.write(model)


if __name__ == "__main__":
    main()
