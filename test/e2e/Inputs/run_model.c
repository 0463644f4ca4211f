/*===- run_model.c - generic C harness for qcc end-to-end tests -----------===*
 *
 * This file implements a harness that links against any model compiled with
 * `qcc ... -name=model -o DIR/model.o` (include path -IDIR): it reads the
 * model's inputs, outputs and scratch size from model_info(), fills every
 * float32 input with a deterministic pseudo-random sequence (the same one
 * test/e2e/e2e_util.py regenerates), runs the model once through the array
 * entry point and prints a transcript:
 *
 *   input 0 x float32 1x3x48x192
 *   output 0 y float32 1x2
 *   0.568289101
 *   ...
 *
 * It also checks the documented error codes (docs/ABI.md) of bad calls.
 *
 *===----------------------------------------------------------------------===*/

#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if MODEL_QCC_ABI_VERSION != 1
#error "run_model.c is written against version 1 of the qcc ABI"
#endif

/* Same generator as e2e_util.lcg_values: values in [-1, 1), exact in fp32. */
static void fill_lcg(float *data, int64_t count, uint32_t index) {
  uint32_t state = 0x12345678u + index * 0x9E3779B9u;
  for (int64_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    data[i] = (float)(state >> 8) / 8388608.0f - 1.0f;
  }
}

static const char *dtype_name(int32_t dtype) {
  switch (dtype) {
  case QCC_DTYPE_FLOAT32: return "float32";
  case QCC_DTYPE_FLOAT64: return "float64";
  case QCC_DTYPE_INT8: return "int8";
  case QCC_DTYPE_UINT8: return "uint8";
  case QCC_DTYPE_INT32: return "int32";
  case QCC_DTYPE_INT64: return "int64";
  case QCC_DTYPE_BOOL: return "bool";
  default: return NULL;
  }
}

static size_t dtype_size(int32_t dtype) {
  switch (dtype) {
  case QCC_DTYPE_FLOAT64: case QCC_DTYPE_INT64: return 8;
  case QCC_DTYPE_FLOAT32: case QCC_DTYPE_INT32: return 4;
  default: return 1;
  }
}

static void print_header(const char *kind, uint32_t i,
                         const qcc_tensor_info *t) {
  printf("%s %u %s %s ", kind, i, t->name, dtype_name(t->dtype));
  if (t->rank == 0)
    printf("scalar");
  for (int32_t d = 0; d < t->rank; ++d)
    printf(d ? "x%lld" : "%lld", (long long)t->shape[d]);
  printf("\n");
}

static void print_values(const qcc_tensor_info *t, const void *data) {
  for (int64_t i = 0; i < t->size; ++i) {
    switch (t->dtype) {
    case QCC_DTYPE_FLOAT32: printf("%.9g\n", ((const float *)data)[i]); break;
    case QCC_DTYPE_FLOAT64: printf("%.17g\n", ((const double *)data)[i]); break;
    case QCC_DTYPE_INT8: printf("%d\n", ((const int8_t *)data)[i]); break;
    case QCC_DTYPE_UINT8: printf("%u\n", ((const uint8_t *)data)[i]); break;
    case QCC_DTYPE_INT32: printf("%d\n", ((const int32_t *)data)[i]); break;
    case QCC_DTYPE_INT64:
      printf("%lld\n", (long long)((const int64_t *)data)[i]);
      break;
    case QCC_DTYPE_BOOL: printf("%u\n", ((const uint8_t *)data)[i] != 0); break;
    }
  }
}

static void *xalloc(size_t bytes) {
  /* aligned_alloc needs a size that is a multiple of the alignment. */
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p) {
    fprintf(stderr, "run_model: out of memory (%zu bytes)\n", bytes);
    exit(1);
  }
  memset(p, 0, rounded ? rounded : 64);
  return p;
}

int main(void) {
  const qcc_model_info *info = model_info();
  if (info->abi_version != MODEL_QCC_ABI_VERSION ||
      info->num_inputs != MODEL_NUM_INPUTS ||
      info->num_outputs != MODEL_NUM_OUTPUTS ||
      (size_t)info->scratch_size != model_scratch_size() ||
      model_scratch_size() != MODEL_SCRATCH_SIZE) {
    fprintf(stderr, "run_model: model_info() disagrees with model.h\n");
    return 1;
  }

  const void *inputs[MODEL_NUM_INPUTS + 1];
  void *outputs[MODEL_NUM_OUTPUTS + 1];
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    const qcc_tensor_info *t = &info->inputs[i];
    if (t->dtype != QCC_DTYPE_FLOAT32) {
      fprintf(stderr, "run_model: input %s is not float32\n", t->name);
      return 1;
    }
    float *data = xalloc((size_t)t->size * sizeof(float));
    fill_lcg(data, t->size, i);
    inputs[i] = data;
    print_header("input", i, t);
  }
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    const qcc_tensor_info *t = &info->outputs[i];
    if (!dtype_name(t->dtype)) {
      fprintf(stderr, "run_model: output %s has an unsupported dtype %d\n",
              t->name, t->dtype);
      return 1;
    }
    outputs[i] = xalloc((size_t)t->size * dtype_size(t->dtype));
    print_header("output", i, t);
  }

  model_context ctx;
  ctx.scratch_size = model_scratch_size();
  ctx.scratch = ctx.scratch_size ? xalloc(ctx.scratch_size) : NULL;

  /* Bad calls are refused with the documented codes, before any work. */
  if (model_run_array(NULL, inputs, outputs) != QCC_ERR_NULL_ARGUMENT) {
    fprintf(stderr, "run_model: NULL context was not refused\n");
    return 1;
  }
  if (ctx.scratch_size > 0) {
    model_context small = ctx;
    small.scratch_size = ctx.scratch_size - 1;
    if (model_run_array(&small, inputs, outputs) != QCC_ERR_SCRATCH_SIZE) {
      fprintf(stderr, "run_model: short scratch was not refused\n");
      return 1;
    }
    model_context misaligned = ctx;
    misaligned.scratch = (char *)ctx.scratch + 1;
    if (model_run_array(&misaligned, inputs, outputs) !=
        QCC_ERR_SCRATCH_ALIGNMENT) {
      fprintf(stderr, "run_model: misaligned scratch was not refused\n");
      return 1;
    }
  }

  int rc = model_run_array(&ctx, inputs, outputs);
  if (rc != QCC_OK) {
    fprintf(stderr, "run_model: model_run_array returned %d\n", rc);
    return 1;
  }
  for (uint32_t i = 0; i < info->num_outputs; ++i)
    print_values(&info->outputs[i], outputs[i]);
  return 0;
}
