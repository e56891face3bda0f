// genlab's CPU allocator for tensor storage: large blocks are kept when freed and handed out again.
//
// A training step frees and re-allocates the same activation and gradient sizes every time, megabytes
// each (AlexNet's im2col buffer at batch 128: 138 MB). glibc serves such blocks with mmap and unmaps
// them on free, so every step page-faults and zeroes them again, in kernel time that can exceed the
// convolutions' own. Keeping them in glibc's heap instead (M_MMAP_MAX = 0) fails another way: the
// small native objects a JS tensor handle keeps until V8 collects it land between the large blocks,
// the heap fragments and grows all run long, and MLP steps slow down, page-faulting inside the BLAS
// call that zeroes its output (docs/measurements.md). So blocks of 64 KiB and more live in
// their own mappings, cached by size on free, outside malloc's heap.
//
// The cache holds up to a quarter of physical memory (at least 2 GiB) and, when full, unmaps its
// least recently freed blocks. A fixed 2 GiB that kept the oldest blocks thrashed: small Inception's
// training step at batch 128 keeps 938 MiB of blocks and its evaluation at batch 250 another
// 1,012 MiB; past the limit every new size was mapped and unmapped on each use (docs/measurements.md).
#include "common.h"
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>
#include <sys/mman.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace genlab {
namespace {

constexpr size_t kAlign = 64;              // c10's alignment for CPU tensors
constexpr size_t kLarge = 64 << 10;        // blocks from here on are mapped and cached
constexpr size_t kPage = 4096;

// Free bytes kept for reuse: a quarter of physical memory, at least 2 GiB.
size_t cacheLimit() {
  const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  const size_t quarter = pages > 0 && pageSize > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(pageSize) / 4 : 0;
  return std::max(quarter, size_t{2} << 30);
}

// Every block starts with this header, kAlign bytes before the data pointer, so the deleter (given
// only the data pointer, as c10's raw_deallocate requires) finds the block's size and kind.
struct Header {
  size_t bytes;  // of the whole block, header included
  bool mapped;
};
static_assert(sizeof(Header) <= kAlign, "header must fit in the alignment padding");

// Free blocks by size (taken newest first) and in the order they were freed (evicted oldest first).
class BlockCache {
 public:
  void* take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = bySize_.find(bytes);
      if (it != bySize_.end() && !it->second.empty()) {
        auto entry = it->second.back();
        it->second.pop_back();
        void* p = entry->second;
        byAge_.erase(entry);
        cached_ -= bytes;
        return p;
      }
    }
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      release();  // out of address space or memory: give the cache back and try once more
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    return p == MAP_FAILED ? nullptr : p;
  }

  void give(void* p, size_t bytes) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (bytes > limit_) {
        evicted.push_back({bytes, p});
      } else {
        while (cached_ + bytes > limit_) evicted.push_back(evictOldest());
        byAge_.push_back({bytes, p});
        bySize_[bytes].push_back(std::prev(byAge_.end()));
        cached_ += bytes;
      }
    }
    for (auto [size, block] : evicted) munmap(block, size);
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto [bytes, p] : byAge_) munmap(p, bytes);
    byAge_.clear();
    bySize_.clear();
    cached_ = 0;
  }

  size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

  size_t limit() {
    std::lock_guard<std::mutex> lock(mutex_);
    return limit_;
  }

  void setLimit(size_t limit) {
    std::vector<Block> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = limit;
      while (cached_ > limit_) evicted.push_back(evictOldest());
    }
    for (auto [size, block] : evicted) munmap(block, size);
  }

 private:
  using Block = std::pair<size_t, void*>;  // bytes, address

  Block evictOldest() {  // mutex held; byAge_ not empty
    Block oldest = byAge_.front();
    auto& same = bySize_[oldest.first];
    same.erase(std::find(same.begin(), same.end(), byAge_.begin()));
    byAge_.pop_front();
    cached_ -= oldest.first;
    return oldest;
  }

  std::mutex mutex_;
  std::list<Block> byAge_;
  std::unordered_map<size_t, std::vector<std::list<Block>::iterator>> bySize_;
  size_t cached_ = 0;
  size_t limit_ = cacheLimit();
};

// Never destroyed: tensors may be freed by static destructors after this file's would have run.
BlockCache& cache() {
  static auto* c = new BlockCache();
  return *c;
}

void deleteBlock(void* data) {
  if (!data) return;
  auto* base = static_cast<char*>(data) - kAlign;
  const Header h = *reinterpret_cast<Header*>(base);
  if (h.mapped)
    cache().give(base, h.bytes);
  else
    std::free(base);
}

// at::Allocator's virtual interface changed in libtorch 2.3 (allocate lost its const, copy_data was
// added) and again later; this allocator is written against 1.13's and installed up to 2.2. Newer
// libtorch keeps its own allocator: correct, only without this cache (CUDA builds allocate activations
// on the GPU anyway).
#if TORCH_VERSION_MAJOR < 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR < 3)
#define GENLAB_OWN_CPU_ALLOCATOR 1
class CachingCpuAllocator final : public at::Allocator {
 public:
  at::DataPtr allocate(size_t n) const override { return make(n); }
  at::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }

 private:
  static at::DataPtr make(size_t n) {
    const at::Device cpu(at::DeviceType::CPU);
    if (n == 0) return {nullptr, nullptr, &deleteBlock, cpu};
    const bool mapped = n + kAlign >= kLarge;
    const size_t bytes = mapped ? (n + kAlign + kPage - 1) / kPage * kPage : n + kAlign;
    void* base = nullptr;
    if (mapped)
      base = cache().take(bytes);
    else if (posix_memalign(&base, kAlign, bytes) != 0)
      base = nullptr;
    if (!base) throw std::runtime_error("out of memory: cannot allocate " + std::to_string(n) + " bytes for a tensor");
    *static_cast<Header*>(base) = Header{bytes, mapped};
    void* data = static_cast<char*>(base) + kAlign;
    return {data, data, &deleteBlock, cpu};
  }
};

#endif

}  // namespace

void installCpuAllocator() {
#ifdef GENLAB_OWN_CPU_ALLOCATOR
  static auto* allocator = new CachingCpuAllocator();
  c10::SetCPUAllocator(allocator, /*priority=*/1);
#endif
}

size_t cachedCpuBytes() { return cache().cached(); }
void releaseCpuCache() { cache().release(); }
size_t cpuCacheLimit() { return cache().limit(); }
void setCpuCacheLimit(size_t bytes) { cache().setLimit(bytes); }

}  // namespace genlab
