# SPDX-License-Identifier: BSD-3-Clause
"""What the pytorch.* tests take from PyPI, pinned (remote_wheel.py says
how a WheelPin is checked). Made with `torch_cache.py pin PROJECT FILE
MEMBER...`, which prints a pin from the index's listing and the files as
fetched; the digests of the torch 2.0.0, 2.7.0 and 2.12.1 x86_64 files were
also compared with the same files in the whole wheels, fetched and checked
against their sha256.

TORCH   (version, arch) -> torch's libc10.so (and, x86_64, the c10 headers):
        the differential tests, the header tests and the bench.
ABSENT  versions just outside the range: their libc10.so has no
        c10::impl::HermeticPyObjectTLS (pytorch.no_class_*).
NVIDIA  version -> the CUDA libraries that torch's libraries name as NEEDED
        (what `import torch` loads), each from its NVIDIA wheel on PyPI, for
        the end-to-end venvs (torch_cache.py venv). torch itself and its
        pure-Python dependencies come from pip, by the hashes in
        torch-venv-VERSION.txt.
"""

from typing import Dict, Tuple

from remote_wheel import WheelPin

TORCH: Dict[Tuple[str, str], WheelPin] = {
    ("2.0.0", "x86_64"): WheelPin(
        "torch", "torch-2.0.0-cp311-cp311-manylinux1_x86_64.whl", 619895084,
        "09651bff72e439d004c991f15add0c397c66f98ab36fe60d5514b44e4da722e8", (
            ("torch/lib/libc10.so", "f1e214fa24247a62fe1f8a030aad411a2bdaf6988f5f6b93acac24bec862c849"),
            ("torch/include/c10/", "7baea6e30a65033769e2c46ebcea8a678b1aabb125c1997b6934157d9fa40e51"),
        )),
    ("2.3.1", "x86_64"): WheelPin(
        "torch", "torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl", 779156414,
        "b2ec81b61bb094ea4a9dee1cd3f7b76a44555375719ad29f05c0ca8ef596ad39", (
            ("torch/lib/libc10.so", "d7de7ee9e30629e66d87856d0f19ac4fba26aad1f302832e0cd50ec8ea04ee90"),
            ("torch/include/c10/", "4a9eb8091f62b4d7e90875d1ccde181dd7a1e3f602650233d18a6a0283711c88"),
        )),
    ("2.6.0", "x86_64"): WheelPin(
        "torch", "torch-2.6.0-cp311-cp311-manylinux1_x86_64.whl", 766715424,
        "7979834102cd5b7a43cc64e87f2f3b14bd0e1458f06e9f88ffa386d07c7446e1", (
            ("torch/lib/libc10.so", "9e8b46af9a5b5f1bf3200f2aabc3376597f1fb4787a179428e8c91f7253af78d"),
            ("torch/include/c10/", "577063373d9512555d13ddda819060f58b096a58f1352ae2f086c68af5f78dfe"),
        )),
    ("2.7.0", "x86_64"): WheelPin(
        "torch", "torch-2.7.0-cp311-cp311-manylinux_2_28_x86_64.whl", 865183681,
        "fd5cfbb4c3bbadd57ad1b27d56a28008f8d8753733411a140fcfb84d7f933a25", (
            ("torch/lib/libc10.so", "e03523b398502fb29ac67ca0e69b5db16cae194a636d5e6dc961474839907ab6"),
            ("torch/include/c10/", "b4c495c95c3c98653d8b10c0331285b231ed06a8ea2499acaeae5483b2e2ddec"),
        )),
    ("2.9.0", "x86_64"): WheelPin(
        "torch", "torch-2.9.0-cp311-cp311-manylinux_2_28_x86_64.whl", 899815990,
        "51de31219c97c51cf4bf2be94d622e3deb5dcc526c6dc00e97c17eaec0fc1d67", (
            ("torch/lib/libc10.so", "7a772df91dd662f647372cb32059f0c3bd6fb2fe9cb96f00b40c2c802cba28b8"),
            ("torch/include/c10/", "fd5eefd37ed00720b3f55e3fd5d149baccb8cd5240a37371821bb4b1a5e85d2c"),
            ("torch/include/torch/headeronly/", "0f342c557f5ad93e0d9aafc3070ab6dd21fbd6383635d062f3b021b5515c9bdc"),
        )),
    ("2.12.1", "x86_64"): WheelPin(
        "torch", "torch-2.12.1-cp311-cp311-manylinux_2_28_x86_64.whl", 532169264,
        "6e29e7e74d05bda7d955c75e99459f878ebd970ef851b4057edbd3b34a5eb4a3", (
            ("torch/lib/libc10.so", "21d0b5b3dba033f7c3f182caf0ece8c380b72ce792873cf3251c98c0ab3bdd76"),
            ("torch/include/c10/", "9fe51435b2df4757efe8e72a7418fa3afaf672d0f50a09e3f28270e492c9534f"),
            ("torch/include/torch/headeronly/", "9744a30047981588459b834d76007fa54a96a366b7ceaeb3fd0d52cc6e6245a5"),
        )),
    ("2.0.0", "aarch64"): WheelPin(
        "torch", "torch-2.0.0-1-cp311-cp311-manylinux2014_aarch64.whl", 74257960,
        "bd42db2a48a20574d2c33489e120e9f32789c4dc13c514b0c44272972d14a2d7", (
            ("torch/lib/libc10.so", "0897781ab35c44b7621b022e24d003df97866dc71491990b7aff77075129a97a"),
        )),
    ("2.12.1", "aarch64"): WheelPin(
        "torch", "torch-2.12.1-cp311-cp311-manylinux_2_28_aarch64.whl", 426379894,
        "107df6888624bdea41508f9aeb6149d9333c737a5530ceecb56c904e811369ae", (
            ("torch/lib/libc10.so", "b9d85cdf6fc9f1ee8681255f23f2b90095b89438ab74aba885b270e6b631be17"),
        )),
}

ABSENT: Dict[str, WheelPin] = {
    "1.13.1": WheelPin(
        "torch", "torch-1.13.1-cp311-cp311-manylinux1_x86_64.whl", 887431784,
        "22128502fd8f5b25ac1cd849ecb64a418382ae81dd4ce2b5cebaa09ab15b0d9b", (
            ("torch/lib/libc10.so", "8b7dd4371fd0d9aabdedd288efae18c97a007f5ec2609f1c9023aede4980556f"),
        )),
    "2.13.0": WheelPin(
        "torch", "torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl", 526574961,
        "60fcdcb2f3876e21146cb4524ef06397d727ca9ad5f020818547e25075fe3cb7", (
            ("torch/lib/libc10.so", "b83ea50e9171c7e3455c19f9ff2c7d21d457a7b8231e9c4ea1b6e032ae1156d5"),
        )),
}

NVIDIA: Dict[str, Tuple[WheelPin, ...]] = {
    "2.0.0": (
        WheelPin(
            "nvidia-cuda-runtime-cu11", "nvidia_cuda_runtime_cu11-11.7.99-py3-none-manylinux1_x86_64.whl", 849253,
            "cc768314ae58d2641f07eac350f40f99dcb35719c4faff4bc458a7cd2b119e31", (
                ("nvidia/cuda_runtime/lib/libcudart.so.11.0", "987eca3265cfe0103853a65ee9e9867017afc53a69c622ca94c98828538473ac"),
            )),
        WheelPin(
            "nvidia-cuda-cupti-cu11", "nvidia_cuda_cupti_cu11-11.7.101-py3-none-manylinux1_x86_64.whl", 11845698,
            "e0cfd9854e1f2edaa36ca20d21cd0bdd5dcfca4e3b9e130a082e05b33b6c5895", (
                ("nvidia/cuda_cupti/lib/libcupti.so.11.7", "d23892b9f83727174a11b942375a7a17941198bd3b40b0da0f29e2a24abfe069"),
            )),
        WheelPin(
            "nvidia-cuda-nvrtc-cu11", "nvidia_cuda_nvrtc_cu11-11.7.99-2-py3-none-manylinux1_x86_64.whl", 21011023,
            "9f1562822ea264b7e34ed5930567e89242d266448e936b85bc97a3370feabb03", (
                ("nvidia/cuda_nvrtc/lib/libnvrtc.so.11.2", "e301ec7626aa04df4c22711657eed167870c8e990a0d334ad3b11412e8e46c4b"),
            )),
        WheelPin(
            "nvidia-cublas-cu11", "nvidia_cublas_cu11-11.10.3.66-py3-none-manylinux1_x86_64.whl", 317097917,
            "d32e4d75f94ddfb93ea0a5dda08389bcc65d8916a25cb9f37ac89edaeed3bded", (
                ("nvidia/cublas/lib/libcublas.so.11", "f154544f9074e63d780476d1e8df66b410008c6babcd44c7180f6b5e11b08d17"),
                ("nvidia/cublas/lib/libcublasLt.so.11", "85f144dfe7b2ef588d2b688abf3fdd51a8e26a14e41a011c12d41fe8afc9a041"),
            )),
        WheelPin(
            "nvidia-cudnn-cu11", "nvidia_cudnn_cu11-8.5.0.96-2-py3-none-manylinux1_x86_64.whl", 557141533,
            "402f40adfc6f418f9dae9ab402e773cfed9beae52333f6d86ae3107a1b9527e7", (
                ("nvidia/cudnn/lib/libcudnn.so.8", "1c7be39eda616edc79848ffa6ff8c4a2dd3c3e241fb78aa874c4378b03cfef19"),
            )),
        WheelPin(
            "nvidia-cufft-cu11", "nvidia_cufft_cu11-10.9.0.58-py3-none-manylinux2014_x86_64.whl", 168405419,
            "e21037259995243cc370dd63c430d77ae9280bedb68d5b5a18226bfc92e5d748", (
                ("nvidia/cufft/lib/libcufft.so.10", "ca5c6f81d584906b4d32b984ad8704dd65bf75bdab4334ed22ce7eef7501a95a"),
            )),
        WheelPin(
            "nvidia-curand-cu11", "nvidia_curand_cu11-10.2.10.91-py3-none-manylinux1_x86_64.whl", 54628716,
            "eecb269c970fa599a2660c9232fa46aaccbf90d9170b96c462e13bcb4d129e2c", (
                ("nvidia/curand/lib/libcurand.so.10", "b9f8865fe385a10ea2921cf20d3b108f703c39c9bb2f5dfed03fa82be4480deb"),
            )),
        WheelPin(
            "nvidia-cusparse-cu11", "nvidia_cusparse_cu11-11.7.4.91-py3-none-manylinux1_x86_64.whl", 173182291,
            "a3389de714db63321aa11fbec3919271f415ef19fda58aed7f2ede488c32733d", (
                ("nvidia/cusparse/lib/libcusparse.so.11", "e154ed32bc4827f19c1ca0e1c1753e642505e38747006364284b865bf981d311"),
            )),
        WheelPin(
            "nvidia-nccl-cu11", "nvidia_nccl_cu11-2.14.3-py3-none-manylinux1_x86_64.whl", 177099966,
            "5e5534257d1284b8e825bc3a182c6f06acd6eb405e9f89d49340e98cd8f136eb", (
                ("nvidia/nccl/lib/libnccl.so.2", "d5e5d9d2280dd4e34ab57f542a32a3fb6d009fe4ce84c074df3eae99b008c72d"),
            )),
        WheelPin(
            "nvidia-nvtx-cu11", "nvidia_nvtx_cu11-11.7.91-py3-none-manylinux1_x86_64.whl", 98579,
            "b22c64eee426a62fc00952b507d6d29cf62b4c9df7a480fcc417e540e05fd5ac", (
                ("nvidia/nvtx/lib/libnvToolsExt.so.1", "847d78f275c8cc97442a278073204bdc1a0009ffc2559bf7248c70d92105dfdc"),
            )),
    ),
    "2.7.0": (
        WheelPin(
            "nvidia-cuda-runtime-cu12", "nvidia_cuda_runtime_cu12-12.6.77-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 897690,
            "ba3b56a4f896141e25e19ab287cd71e52a6a0f4b29d0d31609f60e3b4d5219b7", (
                ("nvidia/cuda_runtime/lib/libcudart.so.12", "095296727cfb5f51e5b3ae69a3cb88cbd7b6592f314ace0fdfc4e1d758c2aa85"),
            )),
        WheelPin(
            "nvidia-cuda-cupti-cu12", "nvidia_cuda_cupti_cu12-12.6.80-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 8917980,
            "6768bad6cab4f19e8292125e5f1ac8aa7d1718704012a0e3272a6f61c4bce132", (
                ("nvidia/cuda_cupti/lib/libcupti.so.12", "76dcad94420820ea9aee9094c346cc34c6cb1ff630cef9b14e04db298a86305d"),
            )),
        WheelPin(
            "nvidia-cublas-cu12", "nvidia_cublas_cu12-12.6.4.1-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 393138322,
            "08ed2686e9875d01b58e3cb379c6896df8e76c75e0d4a7f7dace3d7b6d9ef8eb", (
                ("nvidia/cublas/lib/libcublas.so.12", "d9343511e1d2ed51e4d65fa94a25cb8f73b0ebc5ae5487da794e18e6950c98dc"),
                ("nvidia/cublas/lib/libcublasLt.so.12", "a4ddaed1410acc604815f0e84cdd6c4a70c61cfd2b95dc96360f0799169f0374"),
            )),
        WheelPin(
            "nvidia-cudnn-cu12", "nvidia_cudnn_cu12-9.5.1.17-py3-none-manylinux_2_28_x86_64.whl", 570988386,
            "30ac3869f6db17d170e0e556dd6cc5eee02647abc31ca856634d5a40f82c15b2", (
                ("nvidia/cudnn/lib/libcudnn.so.9", "cf06ffbd2c4343c3569c269adb48f280778e7105ce15037cdf044042b3c5e134"),
            )),
        WheelPin(
            "nvidia-cufft-cu12", "nvidia_cufft_cu12-11.3.0.4-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 200221632,
            "ccba62eb9cef5559abd5e0d54ceed2d9934030f51163df018532142a8ec533e5", (
                ("nvidia/cufft/lib/libcufft.so.11", "8e7f52f5eb42b28bac29943a1213d940bf4c59bf9f73027286474a7d8f7dc8a2"),
            )),
        WheelPin(
            "nvidia-cufile-cu12", "nvidia_cufile_cu12-1.11.1.6-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 1142103,
            "cc23469d1c7e52ce6c1d55253273d32c565dd22068647f3aa59b3c6b005bf159", (
                ("nvidia/cufile/lib/libcufile.so.0", "ad6648ecf773da5a2fb829fe61573c04d621124beacd877de3d2fa98fcb5ec7d"),
            )),
        WheelPin(
            "nvidia-curand-cu12", "nvidia_curand_cu12-10.3.7.77-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 56279010,
            "a42cd1344297f70b9e39a1e4f467a4e1c10f1da54ff7a85c12197f6c652c8bdf", (
                ("nvidia/curand/lib/libcurand.so.10", "12411c1e921cd3cac4e0d2f58024a3e6bbb7cea584d5cd768ad908ec762c5545"),
            )),
        WheelPin(
            "nvidia-cusparse-cu12", "nvidia_cusparse_cu12-12.5.4.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 216561367,
            "7556d9eca156e18184b94947ade0fba5bb47d69cec46bf8660fd2c71a4b48b73", (
                ("nvidia/cusparse/lib/libcusparse.so.12", "b721248d43e9a5d190e0edf2e524ce38c4536330135bb7efa8ca379ec8a852f3"),
            )),
        WheelPin(
            "nvidia-cusparselt-cu12", "nvidia_cusparselt_cu12-0.6.3-py3-none-manylinux2014_x86_64.whl", 156785796,
            "e5c8a26c36445dd2e6812f1177978a24e2d37cacce7e090f297a688d1ec44f46", (
                ("cusparselt/lib/libcusparseLt.so.0", "c8c9812c891d12ffb2a4dee3134cb62705b17954c753408dfe001853ad051c29"),
            )),
        WheelPin(
            "nvidia-nccl-cu12", "nvidia_nccl_cu12-2.26.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", 201319755,
            "694cf3879a206553cc9d7dbda76b13efaf610fdb70a50cba303de1b0d1530ac6", (
                ("nvidia/nccl/lib/libnccl.so.2", "e4a7aee9c3eecf53fac780441d2f03b578ab8db8874b71f8e391bcec7adb2899"),
            )),
        WheelPin(
            "nvidia-nvjitlink-cu12", "nvidia_nvjitlink_cu12-12.6.85-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.whl", 19744971,
            "eedc36df9e88b682efe4309aa16b5b4e78c2407eac59e8c10a6a47535164369a", (
                ("nvidia/nvjitlink/lib/libnvJitLink.so.12", "7023ef7e1fda9dd82a82d84682b7dc1600bf42ad36310786181e9df7d968ac23"),
            )),
    ),
}
