# shellcheck shell=bash
# Sourced by scripts/container-*.sh: the podman command line they share, as the array "podman".
# overlay stores each layer as a difference; vfs copies the whole root filesystem per layer (tens of GB
# for this image), so vfs is only the fallback where the kernel cannot mount overlay.
# PODMAN_STORAGE_DRIVER overrides; a storage directory keeps the driver it was first used with.
# PODMAN_ROOT (optional) is the image store's directory: CI gives a new empty one, so that no cached
# base image or layer can hide a step that fails on a fresh machine.
if [[ -z "${PODMAN_STORAGE_DRIVER:-}" ]]; then
  if grep -qw overlay /proc/filesystems; then PODMAN_STORAGE_DRIVER=overlay; else PODMAN_STORAGE_DRIVER=vfs; fi
fi
# shellcheck disable=SC2034 # used by the scripts that source this file
podman=(podman --storage-driver "$PODMAN_STORAGE_DRIVER")
if [[ -n "${PODMAN_ROOT:-}" ]]; then
  podman+=(--root "$PODMAN_ROOT/storage" --runroot "$PODMAN_ROOT/run")
fi
