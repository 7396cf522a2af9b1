//===- PagedKeys.cpp - the keys of a paged KV cache, gathered -------------===//

#include "moda/Reference/Reference.h"

#include <algorithm>

void moda::reference::gatherPages(const double *pool, const int32_t *table,
                                  int64_t batch, int64_t keys,
                                  int64_t pageSize, int64_t pagesPerEntry,
                                  int64_t rowElements, double *gathered) {
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < keys; ++s) {
      int64_t page = table[b * pagesPerEntry + s / pageSize];
      std::copy_n(pool + (page * pageSize + s % pageSize) * rowElements,
                  rowElements, gathered + (b * keys + s) * rowElements);
    }
}
