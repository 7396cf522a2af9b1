//===- ConvertModaTileToGPU.cpp - tile programs as GPU kernels ------------===//
//
// The tile programs one launcher runs become gpu.funcs in one gpu.module
// (`<name>_module`: one PTX file and one manifest per operator), their
// launches gpu.launch_func, the launcher's scratch buffers device
// allocations. What each thread runs depends on the layout the
// products carry, one file per layout: FmaLayoutToGPU.cpp,
// MmaSyncLayoutToGPU.cpp, WgmmaLayoutToGPU.cpp. The shared tiles live in
// the block's dynamic shared memory where the SharedTilePlan puts them, and
// the manifest asks for the plan's bytes.
//
//===----------------------------------------------------------------------===//

#include "TileKernelBuilder.h"

#include "KernelFunction.h"
#include "../NVVMPrimitives/FastExp2.h"

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/Analysis/ProgramLayout.h"
#include "moda/Dialect/ModaTile/Analysis/SharedTilePlan.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATILETOGPU
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// What each thread runs of `program`, by the layout of its products.
LogicalResult buildLayoutKernel(MmaKind kind, func::FuncOp program,
                                gpu::GPUFuncOp kernel,
                                const SharedTilePlan &plan,
                                int64_t numThreads) {
  switch (kind) {
  case MmaKind::Fma:
    return buildFmaLayoutKernel(program, kernel, plan, numThreads);
  case MmaKind::MmaSync:
    return buildMmaSyncLayoutKernel(program, kernel, plan, numThreads);
  case MmaKind::Wgmma:
    return buildWgmmaLayoutKernel(program, kernel, plan, numThreads);
  }
  llvm_unreachable("unknown layout kind");
}

/// The tile programs one launcher runs, compiled into one gpu.module (one
/// PTX file and one manifest: a forward's kernel, or a backward's kernels).
struct ProgramGroup {
  func::FuncOp launcher; ///< null for a program no launcher runs
  SmallVector<func::FuncOp> programs;
};

struct ConvertModaTileToGPUPass
    : mlir::moda::impl::ConvertModaTileToGPUBase<ConvertModaTileToGPUPass> {
  void runOnOperation() override;

private:
  LogicalResult buildKernels(ProgramGroup &group,
                             llvm::StringMap<gpu::GPUFuncOp> &kernels);
};

LogicalResult
ConvertModaTileToGPUPass::buildKernels(ProgramGroup &group,
                                       llvm::StringMap<gpu::GPUFuncOp> &kernels) {
  MLIRContext *ctx = &getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  // Each program's layout and shared-memory plan; the ABI the kernels
  // share asks for each plan's bytes.
  SmallVector<MmaKind> kinds;
  SmallVector<SharedTilePlan> plans;
  SmallVector<int64_t> numThreads;
  KernelAbiAttr abi;
  for (func::FuncOp program : group.programs) {
    FailureOr<LayoutAttr> layout = getProgramLayout(program);
    if (failed(layout))
      return failure();
    MmaKind kind = layout->getKind();
    FailureOr<SharedTilePlan> plan =
        SharedTilePlan::planFor(program, kind, workgroup);
    if (failed(plan))
      return failure();
    auto programAbi =
        program->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName);
    if (!programAbi || !programAbi.getLaunch(program.getName()))
      return program.emitOpError() << "has no " << kKernelAbiAttrName
                                   << " launching it, for its manifest";
    if (abi && programAbi != abi && !abi.getLaunch(program.getName()))
      return program.emitOpError() << "has a " << kKernelAbiAttrName
                                   << " other than the programs launched "
                                      "with it";
    if (!abi)
      abi = programAbi;
    StringRef target = abi.getConfig().getTarget();
    int64_t limit = getMaxDynamicSharedMemoryBytes(target);
    if (plan->getBytes() > limit)
      return program.emitOpError()
             << "needs " << plan->getBytes() << " bytes of shared tiles, more "
             << "than the " << limit << " a block may opt in to on " << target;
    // The manifest's shared memory is the plan's.
    abi = abi.withDynamicSharedMemory(program.getName(), plan->getBytes());
    kinds.push_back(kind);
    plans.push_back(std::move(*plan));
    numThreads.push_back(layout->getNumWarps() * 32);
  }

  OpBuilder moduleBuilder = OpBuilder::atBlockEnd(getOperation().getBody());
  Location loc = group.programs.front().getLoc();
  // A forward's module is its kernel's (`<program>_module`); a backward's
  // is named after the operator, its launcher `<name>_launch`.
  StringRef artifact = group.programs.front().getName();
  if (group.programs.size() > 1) {
    artifact = group.launcher.getName();
    artifact.consume_back("_launch");
  }
  auto module = gpu::GPUModuleOp::create(moduleBuilder, loc,
                                         (artifact + "_module").str());
  SymbolTable(getOperation()).insert(module);
  for (auto [program, kind, plan, threads] :
       llvm::zip_equal(group.programs, kinds, plans, numThreads)) {
    gpu::GPUFuncOp kernel = createKernelFunction(
        module, program.getName(), program.getFunctionType().getInputs(),
        threads, abi);
    if (failed(buildLayoutKernel(kind, program, kernel, plan, threads)))
      return failure();
    useFlushToZeroExp2(kernel);
    kernels[program.getName()] = kernel;
  }
  return success();
}

/// A launcher's scratch buffers (memref.alloc) live on the device, freed
/// after its last launch.
void allocateScratchOnDevice(func::FuncOp launcher) {
  SmallVector<memref::AllocOp> allocs;
  launcher.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
  for (memref::AllocOp alloc : allocs) {
    OpBuilder b(alloc);
    auto device = gpu::AllocOp::create(
        b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
        ValueRange(), alloc.getDynamicSizes(), alloc.getSymbolOperands());
    alloc.replaceAllUsesWith(device.getMemref());
    alloc.erase();
    launcher.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      gpu::DeallocOp::create(b, ret.getLoc(), /*asyncToken=*/Type(),
                             ValueRange(), device.getMemref());
    });
  }
}

void ConvertModaTileToGPUPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  SmallVector<ProgramGroup> groups;
  WalkResult walk = module.walk([&](LaunchOp launch) {
    auto launcher = launch->getParentOfType<func::FuncOp>();
    auto program = symbols.lookup<func::FuncOp>(launch.getProgram());
    if (groups.empty() || groups.back().launcher != launcher)
      groups.push_back({launcher, {}});
    if (llvm::is_contained(groups.back().programs, program)) {
      launch.emitOpError("launches a program its launcher already "
                         "launched: one kernel per program and launcher");
      return WalkResult::interrupt();
    }
    groups.back().programs.push_back(program);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();
  // A program no launcher runs is still compiled, as a kernel of its own.
  for (auto function : module.getOps<func::FuncOp>())
    if (function->hasAttr(kProgramAttrName) &&
        llvm::none_of(groups, [&](const ProgramGroup &group) {
          return llvm::is_contained(group.programs, function);
        }))
      groups.push_back({func::FuncOp(), {function}});
  if (groups.empty())
    return;
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(&getContext()));

  llvm::StringMap<gpu::GPUFuncOp> kernels;
  for (ProgramGroup &group : groups)
    if (failed(buildKernels(group, kernels)))
      return signalPassFailure();
  SmallVector<LaunchOp> launches;
  module.walk([&](LaunchOp launch) { launches.push_back(launch); });
  for (LaunchOp launch : launches) {
    gpu::GPUFuncOp kernel = kernels.lookup(launch.getProgram());
    OpBuilder b(launch);
    Value one = arith::ConstantIndexOp::create(b, launch.getLoc(), 1);
    auto blockSize = kernel.getKnownBlockSizeAttr().asArrayRef();
    Value threads =
        arith::ConstantIndexOp::create(b, launch.getLoc(), blockSize[0]);
    AbiLaunchAttr abiLaunch =
        kernel->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName)
            .getLaunch(kernel.getName());
    Value sharedBytes = arith::ConstantIntOp::create(
        b, launch.getLoc(), b.getI32Type(),
        abiLaunch.getDynamicSharedMemory());
    gpu::LaunchFuncOp::create(
        b, launch.getLoc(), kernel,
        {launch.getGridX(), launch.getGridY(), launch.getGridZ()},
        {threads, one, one}, sharedBytes, launch.getArguments());
    launch.erase();
  }
  for (ProgramGroup &group : groups) {
    if (group.launcher)
      allocateScratchOnDevice(group.launcher);
    for (func::FuncOp program : group.programs)
      program.erase();
  }
}

} // namespace
