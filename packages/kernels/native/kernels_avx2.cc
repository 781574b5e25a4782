// GEMM for AVX2 + FMA: 16 ymm registers hold a 6×2-vector accumulator block. Built with this ISA's flags only (binding.gyp); called only after the dispatcher checked the CPU.
#define BASIN_NS basin_avx2
#define BASIN_VBYTES 32
#define BASIN_MR 6
#define BASIN_MR_NARROW 8
#define BASIN_KC_F32 256
#define BASIN_MC_F32 144
#define BASIN_NC_F32 4096
#define BASIN_KC_F64 256
#define BASIN_MC_F64 96
#define BASIN_NC_F64 2048
#define BASIN_DW_MR 4
#define BASIN_DW_MR1 8
#include "gemm_impl.h"

namespace basin {
const IsaTable& isa_avx2() {
  static const IsaTable t{"avx2", BASIN_VBYTES * 8, &BASIN_NS::gemm<float>, &BASIN_NS::gemm<double>,
                            &BASIN_NS::conv_image, &BASIN_NS::conv_nr,
                            &BASIN_NS::conv_dw_image, &BASIN_NS::conv_dw_ld};
  return t;
}
}  // namespace basin
