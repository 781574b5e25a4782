// GEMM for AVX-512F + FMA: 32 zmm registers hold a 12×2-vector accumulator block. Built with this ISA's flags only (binding.gyp); called only after the dispatcher checked the CPU.
#define BASIN_NS basin_avx512
#define BASIN_VBYTES 64
#define BASIN_MR 12
#define BASIN_MR_NARROW 16
#define BASIN_KC_F32 512
#define BASIN_MC_F32 192
#define BASIN_NC_F32 4096
#define BASIN_KC_F64 512
#define BASIN_MC_F64 144
#define BASIN_NC_F64 2048
#define BASIN_DW_MR 8
#define BASIN_DW_MR1 16
#include "gemm_impl.h"

namespace basin {
const IsaTable& isa_avx512() {
  static const IsaTable t{"avx512", BASIN_VBYTES * 8, &BASIN_NS::gemm<float>, &BASIN_NS::gemm<double>,
                            &BASIN_NS::conv_image, &BASIN_NS::conv_nr,
                            &BASIN_NS::conv_dw_image, &BASIN_NS::conv_dw_ld};
  return t;
}
}  // namespace basin
