/* Links two qcc models into one program: both headers in one translation
 * unit, both objects in one link, each with its own scratch arena. */
#include "first.h"
#include "second.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  float x[FIRST_INPUT_0_SIZE], y1[FIRST_OUTPUT_0_SIZE], y2[SECOND_OUTPUT_0_SIZE];
  for (int i = 0; i < FIRST_INPUT_0_SIZE; ++i)
    x[i] = (float)(i - 32) / 8.0f;
  first_context c1 = {aligned_alloc(64, first_scratch_size() + 64),
                      first_scratch_size() + 64};
  second_context c2 = {aligned_alloc(64, second_scratch_size() + 64),
                       second_scratch_size() + 64};
  if (first_run(&c1, x, y1) != QCC_OK || second_run(&c2, x, y2) != QCC_OK) {
    printf("run failed\n");
    return 1;
  }
  /* tiny: y = relu(x) + x. */
  for (int i = 0; i < FIRST_OUTPUT_0_SIZE; ++i) {
    float want = (x[i] > 0 ? x[i] : 0) + x[i];
    if (y1[i] != want || y2[i] != want) {
      printf("mismatch at %d: %f %f want %f\n", i, y1[i], y2[i], want);
      return 1;
    }
  }
  /* Argument checks of the ABI. */
  printf("null ctx: %d\n", first_run(NULL, x, y1));
  printf("null input: %d\n", first_run(&c1, NULL, y1));
  const qcc_model_info *info = second_info();
  printf("info: abi %u inputs %u outputs %u %s rank %d dim1 %lld\n",
         info->abi_version, info->num_inputs, info->num_outputs,
         info->inputs[0].name, info->inputs[0].rank,
         (long long)info->inputs[0].shape[1]);
  printf("ok\n");
  free(c1.scratch);
  free(c2.scratch);
  return 0;
}
