/* bench/cpu-time-main.c - times a qcc object by thread CPU time.
 *
 * Linked with an object compiled as `qcc m.onnx -name=bm -o bm.o`; runs
 * bm_run_array RUNS times (argv[1], default 30) on deterministic inputs
 * (every input byte set from a small pseudo-random sequence, so floats stay
 * finite) after 3 warm-up runs and prints "median_cpu_ms: X" and
 * "median_ms: Y" (wall). The thread CPU time does not count the time the
 * process waits for a core, so it is the steadier number on a shared
 * machine. Used by bench/int8-kernels.sh -c.
 */
#define _POSIX_C_SOURCE 200809L
#include "bm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static size_t dtype_bytes(int32_t dtype) {
  switch (dtype) {
  case QCC_DTYPE_FLOAT64: case QCC_DTYPE_INT64: case QCC_DTYPE_UINT64:
    return 8;
  case QCC_DTYPE_FLOAT32: case QCC_DTYPE_INT32: case QCC_DTYPE_UINT32:
    return 4;
  case QCC_DTYPE_FLOAT16: case QCC_DTYPE_BFLOAT16: case QCC_DTYPE_INT16:
  case QCC_DTYPE_UINT16:
    return 2;
  default:
    return 1;
  }
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 30;
  const qcc_model_info *info = bm_info();
  void *ins[16], *outs[16];
  if (info->num_inputs > 16 || info->num_outputs > 16)
    return 2;
  unsigned seed = 12345;
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    const qcc_tensor_info *t = &info->inputs[i];
    size_t n = (size_t)t->size;
    ins[i] = aligned_alloc(64, (n * dtype_bytes(t->dtype) + 64) / 64 * 64);
    for (size_t j = 0; j < n; ++j) {
      seed = seed * 1103515245u + 12345u;
      int v = (int)((seed >> 16) % 200) - 100;
      if (t->dtype == QCC_DTYPE_FLOAT32)
        ((float *)ins[i])[j] = v * 0.01f;
      else if (dtype_bytes(t->dtype) == 1)
        ((unsigned char *)ins[i])[j] = (unsigned char)(v + 128);
      else
        memset((char *)ins[i] + j * dtype_bytes(t->dtype), 0,
               dtype_bytes(t->dtype));
    }
  }
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    const qcc_tensor_info *t = &info->outputs[i];
    outs[i] = aligned_alloc(
        64, ((size_t)t->size * dtype_bytes(t->dtype) + 64) / 64 * 64);
  }
  size_t scratch = bm_scratch_size();
  bm_context ctx = {aligned_alloc(64, (scratch + 64) / 64 * 64), scratch};
  double *cpu = malloc(sizeof(double) * runs);
  double *wall = malloc(sizeof(double) * runs);
  for (int r = -3; r < runs; ++r) {
    double c0 = seconds(CLOCK_THREAD_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
    if (bm_run_array(&ctx, (const void *const *)ins, outs) != QCC_OK)
      return 1;
    double c1 = seconds(CLOCK_THREAD_CPUTIME_ID), w1 = seconds(CLOCK_MONOTONIC);
    if (r >= 0) {
      cpu[r] = (c1 - c0) * 1e3;
      wall[r] = (w1 - w0) * 1e3;
    }
  }
  qsort(cpu, runs, sizeof(double), cmp);
  qsort(wall, runs, sizeof(double), cmp);
  printf("median_cpu_ms: %.4f\nmedian_ms: %.4f\n", cpu[runs / 2], wall[runs / 2]);
  return 0;
}
