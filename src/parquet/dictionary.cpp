#include "parquet/dictionary.h"

namespace sparkify::parquet {

void StringDictionary::grow() {
  // Start small: most files this library writes are tiny and hold a handful of strings.
  size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;
  if (slots_.empty()) offsets_.reserve(8);
  std::vector<Slot> slots(capacity, Slot{0, -1});
  size_t mask = capacity - 1;
  for (size_t k = 0; k < offsets_.size(); ++k) {
    std::string_view s = entry(k);
    uint64_t h = hash_bytes(s.data(), s.size());
    size_t i = static_cast<size_t>(h) & mask;
    while (slots[i].index >= 0) i = (i + 1) & mask;
    slots[i] = Slot{static_cast<uint32_t>(h >> 32), static_cast<int32_t>(k)};
  }
  slots_ = std::move(slots);
  mask_ = mask;
}

}  // namespace sparkify::parquet
