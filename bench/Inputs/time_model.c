/* time_model.c - times a qcc object: RUNS calls of model_run_array on zero
 * inputs (after 3 warm-up calls), printing the median wall-clock and the
 * median thread CPU time per call in milliseconds:
 *
 *   wall_ms: <median>  cpu_ms: <median>
 *
 * The CPU time is what the call costs on an idle core: on a shared machine
 * the wall time also counts the time other processes held the core.
 * Build: cc -O2 -I<dir of model.h> time_model.c model.o -lm
 * Usage: ./time_model [RUNS]   (default 20)
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void *xalloc(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p) {
    fprintf(stderr, "time_model: out of memory\n");
    exit(1);
  }
  memset(p, 0, rounded ? rounded : 64);
  return p;
}

static size_t dtype_bytes(int dtype) {
  switch (dtype) {
  case QCC_DTYPE_FLOAT64:
  case QCC_DTYPE_INT64: return 8;
  case QCC_DTYPE_INT8:
  case QCC_DTYPE_UINT8:
  case QCC_DTYPE_BOOL: return 1;
  default: return 4;
  }
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 20;
  if (runs < 1)
    runs = 1;
  const qcc_model_info *info = model_info();
  const void *inputs[MODEL_NUM_INPUTS + 1];
  void *outputs[MODEL_NUM_OUTPUTS + 1];
  for (uint32_t i = 0; i < info->num_inputs; ++i)
    inputs[i] = xalloc((size_t)info->inputs[i].size *
                       dtype_bytes(info->inputs[i].dtype));
  for (uint32_t i = 0; i < info->num_outputs; ++i)
    outputs[i] = xalloc((size_t)info->outputs[i].size *
                        dtype_bytes(info->outputs[i].dtype));
  model_context ctx;
  ctx.scratch_size = model_scratch_size();
  ctx.scratch = ctx.scratch_size ? xalloc(ctx.scratch_size) : NULL;
  for (int i = 0; i < 3; ++i)
    model_run_array(&ctx, inputs, outputs);
  double *wall = malloc(sizeof(double) * runs);
  double *cpu = malloc(sizeof(double) * runs);
  for (int i = 0; i < runs; ++i) {
    double w0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    if (model_run_array(&ctx, inputs, outputs) != QCC_OK) {
      fprintf(stderr, "time_model: run failed\n");
      return 1;
    }
    cpu[i] = now_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
    wall[i] = now_ms(CLOCK_MONOTONIC) - w0;
  }
  qsort(wall, runs, sizeof(double), cmp);
  qsort(cpu, runs, sizeof(double), cmp);
  printf("wall_ms: %.4f  cpu_ms: %.4f\n", wall[runs / 2], cpu[runs / 2]);
  return 0;
}
