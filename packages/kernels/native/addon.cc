// N-API bindings: argument checking (types, lengths, strides) and zero-copy access to the callers' typed arrays.
#include <node_api.h>

#include <cstdint>
#include <string>

#include "ops.h"
#include "pool.h"

namespace {

using namespace basin;

struct Err {
  std::string msg;
};

#define CHECK_NAPI(call)                                   \
  do {                                                     \
    if ((call) != napi_ok) throw Err{"N-API call failed"}; \
  } while (0)

struct Args {
  napi_env env;
  size_t argc = 16;
  napi_value argv[16];
  Args(napi_env e, napi_callback_info info) : env(e) {
    CHECK_NAPI(napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr));
  }
  napi_value at(size_t i, const char* what) const {
    if (i >= argc) throw Err{std::string("missing argument: ") + what};
    return argv[i];
  }
  double num(size_t i, const char* what) const {
    double v;
    if (napi_get_value_double(env, at(i, what), &v) != napi_ok) throw Err{std::string(what) + " must be a number"};
    return v;
  }
  long integer(size_t i, const char* what) const {
    const double v = num(i, what);
    if (!(v >= 0 && v <= 9.0e15) || v != static_cast<double>(static_cast<long>(v)))
      throw Err{std::string(what) + " must be a non-negative integer, got " + std::to_string(v)};
    return static_cast<long>(v);
  }
  bool flag(size_t i, const char* what) const {
    bool v;
    if (napi_get_value_bool(env, at(i, what), &v) != napi_ok) throw Err{std::string(what) + " must be a boolean"};
    return v;
  }
  template <typename T>
  T* array(size_t i, const char* what, size_t need) const {
    napi_value v = at(i, what);
    bool is = false;
    CHECK_NAPI(napi_is_typedarray(env, v, &is));
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (is) CHECK_NAPI(napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr));
    const napi_typedarray_type want = sizeof(T) == 4 ? napi_float32_array : napi_float64_array;
    if (!is || type != want)
      throw Err{std::string(what) + (sizeof(T) == 4 ? " must be a Float32Array" : " must be a Float64Array")};
    if (length < need)
      throw Err{std::string(what) + " has " + std::to_string(length) + " elements, needs at least " +
                std::to_string(need)};
    return static_cast<T*>(data);
  }
};

// Whether argument i is a Float32Array (true) or a Float64Array (false); throws for anything else.
bool is_float32(const Args& a, size_t i, const char* what) {
  napi_value v = a.at(i, what);
  bool is = false;
  CHECK_NAPI(napi_is_typedarray(a.env, v, &is));
  napi_typedarray_type type = napi_int8_array;
  if (is) CHECK_NAPI(napi_get_typedarray_info(a.env, v, &type, nullptr, nullptr, nullptr, nullptr));
  if (!is || (type != napi_float32_array && type != napi_float64_array))
    throw Err{std::string(what) + " must be a Float32Array or a Float64Array"};
  return type == napi_float32_array;
}

napi_value fail(napi_env env, const Err& e) {
  napi_throw_range_error(env, "ERR_BASIN_KERNELS", e.msg.c_str());
  return nullptr;
}

size_t span(long rows, long cols, long ld) { return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols; }

// gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, upper)
template <typename T>
napi_value gemm(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const bool ta = a.flag(0, "transA"), tb = a.flag(1, "transB");
    const long m = a.integer(2, "m"), n = a.integer(3, "n"), k = a.integer(4, "k");
    const T alpha = static_cast<T>(a.num(5, "alpha"));
    const long lda = a.integer(7, "lda"), ldb = a.integer(9, "ldb"), ldc = a.integer(12, "ldc");
    const T beta = static_cast<T>(a.num(10, "beta"));
    const bool upper = a.argc > 13 ? a.flag(13, "upper") : false;
    if (lda < (ta ? m : k) || ldb < (tb ? k : n) || ldc < n) throw Err{"leading dimension smaller than a row"};
    if (upper && m != n) throw Err{"upper requires a square C (m = n)"};
    const T* A = a.array<T>(6, "A", ta ? span(k, m, lda) : span(m, k, lda));
    const T* B = a.array<T>(8, "B", tb ? span(n, k, ldb) : span(k, n, ldb));
    T* C = a.array<T>(11, "C", span(m, n, ldc));
    gemm_parallel<T>(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, upper);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// geometry: [n, h, w, cin, kh, kw, cout, strideH, strideW, padTop, padLeft, outH, outW]
ConvGeom geom(const Args& a, size_t i) {
  double* d = a.array<double>(i, "geometry", 13);
  long v[13];
  for (int j = 0; j < 13; ++j) {
    if (!(d[j] >= 0 && d[j] < 1e9) || d[j] != static_cast<double>(static_cast<long>(d[j])))
      throw Err{"geometry entries must be non-negative integers"};
    v[j] = static_cast<long>(d[j]);
  }
  ConvGeom g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  if (g.sh < 1 || g.sw < 1) throw Err{"strides must be >= 1"};
  if ((g.oh - 1) * g.sh - g.padTop + g.kh > g.h + g.kh + g.padTop + g.kh ||
      (g.ow - 1) * g.sw - g.padLeft + g.kw > g.w + g.kw + g.padLeft + g.kw)
    throw Err{"output size inconsistent with input, filter, stride and padding"};
  if (g.padTop >= g.kh + g.h || g.padLeft >= g.kw + g.w) throw Err{"padding larger than the input and filter"};
  return g;
}

// conv2d(x, filter, y, geometry); conv2dBackpropInput(dy, filter, dx, geometry);
// conv2dBackpropFilter(x, dy, dfilter, geometry)
enum class ConvOp { Forward, Input, Filter };
template <ConvOp op>
napi_value conv(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const ConvGeom g = geom(a, 3);
    const size_t nx = g.n * g.h * g.w * g.cin, nf = g.kh * g.kw * g.cin * g.cout, ny = g.n * g.oh * g.ow * g.cout;
    if (op == ConvOp::Forward)
      conv2d_forward(g, a.array<float>(0, "x", nx), a.array<float>(1, "filter", nf), a.array<float>(2, "y", ny));
    else if (op == ConvOp::Input)
      conv2d_backprop_input(g, a.array<float>(0, "dy", ny), a.array<float>(1, "filter", nf),
                            a.array<float>(2, "dx", nx));
    else
      conv2d_backprop_filter(g, a.array<float>(0, "x", nx), a.array<float>(1, "dy", ny),
                             a.array<float>(2, "dfilter", nf));
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

long operand_size(Bcast m, long outer, long inner) {
  return m == Bcast::Full ? outer * inner : m == Bcast::Row ? inner : m == Bcast::Column ? outer : 1;
}

Bcast bcast(const Args& a, size_t i, const char* what) {
  const long v = a.integer(i, what);
  if (v > 3) throw Err{std::string(what) + " must be 0 (full), 1 (scalar), 2 (row) or 3 (column)"};
  return static_cast<Bcast>(v);
}

// binary(op, a, aMode, b, bMode, out, outer, inner); op: 0 add, 1 sub, 2 mul, 3 div
napi_value binary(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const long op = a.integer(0, "op");
    if (op > 3) throw Err{"op must be 0 (add), 1 (sub), 2 (mul) or 3 (div)"};
    const Bcast am = bcast(a, 2, "aMode"), bm = bcast(a, 4, "bMode");
    const long outer = a.integer(6, "outer"), inner = a.integer(7, "inner");
    const long n = outer * inner;
    if (n == 0) return nullptr;
    binary_f32(static_cast<BinOp>(op), a.array<float>(1, "a", operand_size(am, outer, inner)), am,
               a.array<float>(3, "b", operand_size(bm, outer, inner)), bm, a.array<float>(5, "out", n), outer, inner);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// unary(op, x, out, n, alpha); op: 0 relu, 1 step (alpha where x <= 0)
napi_value unary(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const long op = a.integer(0, "op");
    if (op > 1) throw Err{"op must be 0 (relu) or 1 (step)"};
    const long n = a.integer(3, "n");
    const float alpha = static_cast<float>(a.num(4, "alpha"));
    if (n == 0) return nullptr;
    unary_f32(static_cast<UnOp>(op), a.array<float>(1, "x", n), a.array<float>(2, "out", n), n, alpha);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// reluGrad(dy, x, out, n): out = dy · step(x)
napi_value relu_grad(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const long n = a.integer(3, "n");
    if (n == 0) return nullptr;
    relu_grad_f32(a.array<float>(0, "dy", n), a.array<float>(1, "x", n), a.array<float>(2, "out", n), n);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// reduceSum(x, out, A, B, C, scale): out[a, c] = scale · sum over b of x[a, b, c]
napi_value reduce_sum(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const long A = a.integer(2, "A"), B = a.integer(3, "B"), C = a.integer(4, "C");
    const double scale = a.num(5, "scale");
    if (A * C == 0) return nullptr;
    reduce_sum_f32(a.array<float>(0, "x", A * B * C), a.array<float>(1, "out", A * C), A, B, C, scale);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// centre(src, srcOffset, srcStride, rows, cols, mean, out, outStride):
// out[r·outStride + c] = src[srcOffset + r·srcStride + c] − mean[c], float64 out, src float32 or float64
napi_value centre(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const bool f32 = is_float32(a, 0, "src");
    const long off = a.integer(1, "srcOffset"), ss = a.integer(2, "srcStride");
    const long rows = a.integer(3, "rows"), cols = a.integer(4, "cols"), os = a.integer(7, "outStride");
    if (rows > 1 && (ss < cols || os < cols)) throw Err{"srcStride and outStride must be at least cols"};
    const size_t need = rows * cols == 0 ? 0 : off + span(rows, cols, ss);
    const double* mean = a.array<double>(5, "mean", cols);
    double* out = a.array<double>(6, "out", span(rows, cols, os));
    if (rows * cols == 0) return nullptr;
    if (f32)
      centre_f32(a.array<float>(0, "src", need) + off, ss, rows, cols, mean, out, os);
    else
      centre_f64(a.array<double>(0, "src", need) + off, ss, rows, cols, mean, out, os);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// columnSums(src, rows, cols, out): out[c] = Σ_r src[r·cols + c] in float64
napi_value column_sums(napi_env env, napi_callback_info info) {
  try {
    Args a(env, info);
    const bool f32 = is_float32(a, 0, "src");
    const long rows = a.integer(1, "rows"), cols = a.integer(2, "cols");
    double* out = a.array<double>(3, "out", cols);
    if (cols == 0) return nullptr;
    if (f32)
      column_sums_f32(a.array<float>(0, "src", rows * cols), rows, cols, out);
    else
      column_sums_f64(a.array<double>(0, "src", rows * cols), rows, cols, out);
    return nullptr;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

napi_value info(napi_env env, napi_callback_info) {
  napi_value o, isa, threads, bits;
  napi_create_object(env, &o);
  napi_create_string_utf8(env, active_isa().name, NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, pool().size(), &threads);
  napi_create_int32(env, active_isa().vectorBits, &bits);
  napi_set_named_property(env, o, "isa", isa);
  napi_set_named_property(env, o, "threads", threads);
  napi_set_named_property(env, o, "vectorBits", bits);
  return o;
}

// setIsa(name): "best" | "avx512" | "avx2" | "generic"; returns whether it was applied.
napi_value set_isa(napi_env env, napi_callback_info cb) {
  try {
    Args a(env, cb);
    char buf[32];
    size_t len = 0;
    if (napi_get_value_string_utf8(env, a.at(0, "isa"), buf, sizeof buf, &len) != napi_ok)
      throw Err{"isa must be a string"};
    napi_value r;
    napi_get_boolean(env, select_isa(buf), &r);
    return r;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

// setThreads(n): returns the new thread count.
napi_value set_threads(napi_env env, napi_callback_info cb) {
  try {
    Args a(env, cb);
    napi_value r;
    napi_create_int32(env, set_pool_threads(static_cast<int>(a.integer(0, "threads"))), &r);
    return r;
  } catch (const Err& e) {
    return fail(env, e);
  }
}

}  // namespace

NAPI_MODULE_INIT() {
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {
      {"sgemm", gemm<float>},
      {"dgemm", gemm<double>},
      {"conv2d", conv<ConvOp::Forward>},
      {"conv2dBackpropInput", conv<ConvOp::Input>},
      {"conv2dBackpropFilter", conv<ConvOp::Filter>},
      {"binary", binary},
      {"unary", unary},
      {"reduceSum", reduce_sum},
      {"reluGrad", relu_grad},
      {"centre", centre},
      {"columnSums", column_sums},
      {"info", info},
      {"setIsa", set_isa},
      {"setThreads", set_threads},
  };
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}
