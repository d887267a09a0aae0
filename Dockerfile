# leukoserve: the HTTP classifier with its OpenVINO runtime and the default model.
#
#   docker buildx build --platform linux/arm64,linux/arm/v7,linux/amd64 \
#     --build-arg OPENVINO_ARM64_SHA256=<sha256> --build-arg OPENVINO_ARMHF_SHA256=<sha256> -t leukoserve .
#
# Runtimes per platform:
#   linux/arm64, linux/arm/v7  OpenVINO 2022.3 LTS archive for Raspberry Pi OS: the last release with the
#                              MYRIAD plugin (NCS2). Its sha256 must be given (README "Deploy on a
#                              Raspberry Pi"); the build refuses to go on without it.
#   linux/amd64                today's OpenVINO from its PyPI wheel, the version pinned in models/requirements.lock.
# The model is built once, on the build platform, by the Python toolchain (models/leukotool).
#
# BASE_IMAGE is any Debian bookworm with Node 20 on PATH (node, npm): where no registry can be reached,
# scripts/container-base.sh makes one with debootstrap and the machine's own Node.

ARG BASE_IMAGE=node:20-bookworm-slim
# Set by buildx/buildah from --platform; declared here so that the final FROM can pick the runtime stage.
ARG TARGETARCH

# -- model: Inception V3 -> frozen .pb -> FP32 and FP16 IR + manifest.json (TensorFlow: build platform only)
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS model
# Behind a TLS-inspecting proxy, mount its CA into the build and name it here (scripts/container-check.sh does).
ARG PIP_CERT
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /toolchain
COPY models/requirements.txt models/requirements.lock models/
RUN python3 -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check \
      -r models/requirements.txt -c models/requirements.lock
COPY models/leukotool models/leukotool
RUN PYTHONPATH=models /venv/bin/python -m leukotool default --out /model
# The stick's runtime is 2022.3, which reads IR v10/v11 with opset1..opset10 only: a newer converter can
# write operations it does not know, and then the Pi would fail at start-up instead of here.
# The image carries the IR (FP32 for the CPU, FP16 for the stick), not the frozen .pb: check-ir shows the IR
# is readable by 2022.3, whose TensorFlow reader was a preview, and the .pb would add ~90 MB.
RUN set -- $(/venv/bin/python -c 'import json; m = json.load(open("/model/manifest.json")); print(m["ir"]["fp16"], m["source"]["pb"])') \
 && { PYTHONPATH=models /venv/bin/python -m leukotool check-ir "/model/$1" \
      || { echo "error: the FP16 IR of the default model cannot be read by OpenVINO 2022.3 (the NCS2 runtime);" \
                "see the report above. Pin a converter whose output check-ir accepts before building for the Pi." >&2; \
           exit 1; }; } \
 && cp -a /model /image-model \
 && rm "/image-model/$2"

# -- build: TypeScript -> dist/ (JavaScript is the same on every platform)
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS build
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build

# -- app: /app as the image runs it; production node_modules for the target platform (koffi and sharp
# bring per-platform binaries), the compiled JS and the default model. One COPY into the runtime below.
FROM ${BASE_IMAGE} AS app
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin bin
COPY public public
COPY --from=build /app/dist dist
COPY --from=model /image-model models/default

# -- OpenVINO for amd64: the pinned PyPI wheel; only its native libraries reach the image
FROM ${BASE_IMAGE} AS openvino-wheel
ARG PIP_CERT
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY models/requirements.lock /tmp/requirements.lock
RUN python3 -m venv /tmp/venv \
 && /tmp/venv/bin/pip install --no-cache-dir --disable-pip-version-check -c /tmp/requirements.lock openvino \
 && mkdir -p /opt/openvino \
 && cp -a /tmp/venv/lib/python3*/site-packages/openvino/libs /opt/openvino/lib \
 && ls /opt/openvino/lib/libopenvino_c.so.* >/dev/null

# -- OpenVINO 2022.3 for the Pi (arm64 / armhf archive), verified against the given sha256.
# Downloaded on the build platform: no emulation needed to fetch and unpack.
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS openvino-archive
ARG TARGETARCH
ARG OPENVINO_2022_VERSION=2022.3.2
ARG OPENVINO_2022_BUILD=2022.3.2.9279.e2c7e4d7b4d
ARG OPENVINO_2022_BASE_URL=https://storage.openvinotoolkit.org/repositories/openvino/packages/${OPENVINO_2022_VERSION}/linux
ARG OPENVINO_ARM64_SHA256=
ARG OPENVINO_ARMHF_SHA256=
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
    case "$TARGETARCH" in \
      arm64) archive_arch=arm64; lib_arch=aarch64; sha256=$OPENVINO_ARM64_SHA256 ;; \
      arm)   archive_arch=armhf; lib_arch=armv7l;  sha256=$OPENVINO_ARMHF_SHA256 ;; \
      *) echo "error: no OpenVINO 2022.3 archive for $TARGETARCH (the Pi image is arm64 or arm/v7)" >&2; exit 1 ;; \
    esac; \
    archive="l_openvino_toolkit_debian9_${OPENVINO_2022_BUILD}_${archive_arch}.tgz"; \
    if [ -z "$sha256" ]; then \
      echo "error: give the sha256 of $archive: --build-arg OPENVINO_$(echo "$archive_arch" | tr a-z A-Z)_SHA256=..." \
           "(see the README, 'Deploy on a Raspberry Pi')" >&2; \
      exit 1; \
    fi; \
    curl -fsSL --retry 3 -o /tmp/openvino.tgz "$OPENVINO_2022_BASE_URL/$archive"; \
    echo "$sha256  /tmp/openvino.tgz" | sha256sum -c -; \
    mkdir -p /opt/intel/openvino_2022.3; \
    tar -xzf /tmp/openvino.tgz -C /opt/intel/openvino_2022.3 --strip-components=1; \
    rm /tmp/openvino.tgz; \
    # Only the runtime is needed: not the archive's Python bindings, samples or tools.
    find /opt/intel/openvino_2022.3 -mindepth 1 -maxdepth 1 ! -name runtime ! -name licensing -exec rm -rf {} +; \
    lib=/opt/intel/openvino_2022.3/runtime/lib/$lib_arch; \
    for f in libopenvino_c.so libopenvino_intel_myriad_plugin.so usb-ma2x8x.mvcmd; do \
      ls "$lib/$f"* >/dev/null 2>&1 || { echo "error: $archive has no $lib/$f: not a MYRIAD-capable runtime" >&2; exit 1; }; \
    done; \
    mkdir -p /opt/openvino; \
    ln -s "$lib" /opt/openvino/lib; \
    ln -s /opt/intel/openvino_2022.3/runtime/3rdparty/tbb/lib /opt/openvino/tbb

# -- the runtime, per target architecture
FROM ${BASE_IMAGE} AS os
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

FROM os AS runtime-amd64
COPY --from=openvino-wheel /opt/openvino /opt/openvino

FROM os AS runtime-myriad
RUN apt-get update \
 && apt-get install -y --no-install-recommends libusb-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=openvino-archive /opt/intel /opt/intel
COPY --from=openvino-archive /opt/openvino /opt/openvino
# What the archive's setupvars.sh would set: its TBB lives outside the library directory.
ENV LD_LIBRARY_PATH=/opt/openvino/lib:/opt/openvino/tbb

FROM runtime-myriad AS runtime-arm64
FROM runtime-myriad AS runtime-arm

FROM runtime-${TARGETARCH} AS runtime
# users (GID 100) is the GROUP of docker/97-myriad-usbboot.rules, plugdev (46) the usual USB group:
# the same GIDs on Debian and Raspberry Pi OS hosts, so the stick's device nodes are reachable.
RUN useradd --system --uid 10001 --gid users --groups plugdev \
      --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin leukoserve \
 && install -d -o leukoserve -g users /var/cache/leukoserve /models
COPY --from=app /app /app
WORKDIR /app
ENV NODE_ENV=production \
    OPENVINO_LIB_DIR=/opt/openvino/lib \
    HOST=0.0.0.0 \
    PORT=8080 \
    DEVICE=MYRIAD,CPU \
    MODEL_DIR=/app/models/default \
    CACHE_DIR=/var/cache/leukoserve
# /models: mount a trained model there (MODEL_DIR=/models/<name>); the cache keeps compiled blobs across restarts.
VOLUME ["/models", "/var/cache/leukoserve"]
USER leukoserve
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini as PID 1 forwards SIGTERM to node (which drains in-flight requests) and reaps children.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
# Last: CREATED and REVISION change on every build and must not invalidate the layers above.
ARG BASE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="leukoserve" \
      org.opencontainers.image.description="Classifies blood-smear images for Acute Lymphoblastic Leukemia (Inception V3, OpenVINO; Intel NCS2 or CPU). Not a medical device." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
