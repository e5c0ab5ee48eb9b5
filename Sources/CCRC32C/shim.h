// CRC-32C with the SSE 4.2 `crc32` instruction, which Swift cannot name itself. Header
// only: the functions are static inline, compiled into the Swift module that imports
// this one, the instruction enabled for them alone (`target("sse4.2")`), so the binary
// still runs on any x86-64 and callers check `tidemark_crc32c_hardware()` first.
// The instruction computes the reflected Castagnoli CRC without the initial and final
// inversion: callers pass ~crc and invert the result, as the table code does.
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <cpuid.h>

static inline int tidemark_crc32c_hardware(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
static inline uint32_t tidemark_crc32c_update(uint32_t crc, const void *data, size_t n) {
    const uint8_t *p = (const uint8_t *)data;
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);  // an unaligned load
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        n--;
    }
    return c32;
}
#else
static inline int tidemark_crc32c_hardware(void) { return 0; }
static inline uint32_t tidemark_crc32c_update(uint32_t crc, const void *data, size_t n) {
    (void)data; (void)n;
    return crc;
}
#endif
