//===- BufferizableOpInterfaceImpl.h - qcc bufferization models -*- C++ -*-===//
//
// This file declares qcc's own One-Shot Bufferize models for ops whose
// upstream model is wrong for IR that qcc produces.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_BUFFERIZABLEOPINTERFACEIMPL_H
#define QCC_TARGET_BUFFERIZABLEOPINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace qcc {

/// Registers qcc's BufferizableOpInterface model for vector.transfer_write.
///
/// The upstream model (MLIR 22) claims that a transfer_write at all-zero
/// indices does not read its destination when the leading vector dimensions
/// cover the leading tensor dimensions: it zips the tensor shape with the
/// vector shape, so a rank-reduced write such as
///   vector.transfer_write %v, %t[%c0, %c0] : vector<8xf32>, tensor<3x24xf32>
/// counts as a full overwrite. One-Shot Bufferize then gives an out-of-place
/// destination (e.g. an extract_slice of a live tensor) a fresh allocation
/// without copying the old contents in, and later reads of the elements the
/// write did not cover see garbage. qcc's model compares every tensor
/// dimension with the vector dimension the permutation map assigns to it.
///
/// Interface models are first-come: this must be added to the registry before
/// mlir::registerAllExtensions so that it replaces the upstream model.
void registerBufferizableOpInterfaceExternalModels(
    mlir::DialectRegistry &registry);

} // namespace qcc

#endif // QCC_TARGET_BUFFERIZABLEOPINTERFACEIMPL_H
