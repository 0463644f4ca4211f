/*===- app.c - qcc example: call a compiled model from C ------------------===*
 *
 * This file implements a tiny application around the bundled example model
 * (examples/classifier.onnxtxt, a 4-class CNN on a 1x1x8x8 image). Build:
 *
 *   qcc examples/classifier.onnxtxt -name=classifier -o classifier.o
 *   cc -I. examples/app.c classifier.o -lm -o app && ./app
 *
 * qcc writes classifier.o and classifier.h. The object allocates nothing:
 * the scratch arena comes from the caller (here a static buffer sized by the
 * CLASSIFIER_SCRATCH_SIZE macro), weights live in the object's .rodata.
 *
 *===----------------------------------------------------------------------===*/

#include "classifier.h"

#include <stdio.h>

/* Scratch for intermediate tensors: 64-byte aligned, at least
 * classifier_scratch_size() bytes (+1 keeps the array non-empty). */
static _Alignas(64) unsigned char scratch[CLASSIFIER_SCRATCH_SIZE + 1];

int main(void) {
  /* A fixed 8x8 "image": a bright diagonal stroke on a dim gradient. */
  static float image[CLASSIFIER_INPUT_0_SIZE];
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      image[y * 8 + x] = (x == y ? 1.0f : 0.0f) + 0.05f * (float)(x + y);

  float scores[CLASSIFIER_OUTPUT_0_SIZE];
  classifier_context ctx = {scratch, sizeof(scratch)};
  int rc = classifier_run(&ctx, image, scores);
  if (rc != QCC_OK) {
    fprintf(stderr, "classifier_run failed with code %d\n", rc);
    return 1;
  }

  int best = 0;
  printf("%s:", CLASSIFIER_OUTPUT_0_NAME);
  for (int i = 0; i < CLASSIFIER_OUTPUT_0_SIZE; ++i) {
    printf(" %.6f", scores[i]);
    if (scores[i] > scores[best])
      best = i;
  }
  printf("\nargmax: %d\n", best);
  return 0;
}
