//===- Elements.h - host values <-> device element bytes ------------------===//

#ifndef MODA_TOOLS_MODA_RUN_ELEMENTS_H
#define MODA_TOOLS_MODA_RUN_ELEMENTS_H

#include <cstddef>
#include <vector>

namespace moda::run {

/// Bytes per element of a moda_dtype.
size_t elementBytes(int dtype);

/// Rounds `values` to `dtype` into `bytes`, and replaces each value with the
/// one actually stored, so that the reference computes on the same inputs.
void encodeElements(int dtype, std::vector<double> &values,
                    std::vector<unsigned char> &bytes);

/// The values of `bytes` holding elements of `dtype`, exactly.
std::vector<double> decodeElements(int dtype,
                                   const std::vector<unsigned char> &bytes);

} // namespace moda::run

#endif // MODA_TOOLS_MODA_RUN_ELEMENTS_H
