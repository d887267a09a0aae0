#!/usr/bin/env bash
# Prepares a Raspberry Pi OS host (64-bit or 32-bit) for leukoserve's container with an Intel NCS2:
# installs the udev rule (docker/97-myriad-usbboot.rules), reloads udev, then checks the stick, its
# device node, the USB link and power, and Docker, and prints what to fix.
#
#   sudo docker/host-setup.sh           # install the rule, then check
#   docker/host-setup.sh --check        # check only (no root needed)
#
# Exit status: 0 when nothing needs fixing, 1 otherwise, 2 on bad usage.
# Env (for tests): LEUKOSERVE_SYSFS_USB (default /sys/bus/usb/devices), LEUKOSERVE_DEV_USB (default
# /dev/bus/usb), LEUKOSERVE_UDEV_RULES_DIR (default /etc/udev/rules.d).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rule_file="$here/97-myriad-usbboot.rules"
sysfs_usb=${LEUKOSERVE_SYSFS_USB:-/sys/bus/usb/devices}
dev_usb=${LEUKOSERVE_DEV_USB:-/dev/bus/usb}
rules_dir=${LEUKOSERVE_UDEV_RULES_DIR:-/etc/udev/rules.d}
movidius_vendor=03e7

problems=0
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then green=$'\033[32m' yellow=$'\033[33m' red=$'\033[31m' plain=$'\033[0m'
else green='' yellow='' red='' plain=''; fi
ok() { printf '  %sok%s    %s\n' "$green" "$plain" "$*"; }
note() { printf '  %snote%s  %s\n' "$yellow" "$plain" "$*"; }
fix() { printf '  %sfix%s   %s\n' "$red" "$plain" "$*"; problems=$((problems + 1)); }

case "${1:-}" in
  '') install=1 ;;
  --check) install=0 ;;
  -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ((install)); then
  [[ $(id -u) == 0 ]] || { echo "installing the udev rule needs root: sudo $0 (or $0 --check)" >&2; exit 2; }
  echo "Installing $rule_file -> $rules_dir/"
  install -m 0644 "$rule_file" "$rules_dir/97-myriad-usbboot.rules"
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules
    udevadm trigger --subsystem-match=usb
    udevadm settle --timeout=10 || true
  fi
fi

echo "Host"
machine=$(uname -m)
userland=$(dpkg --print-architecture 2>/dev/null || echo unknown)
case "$userland" in
  arm64) ok "$machine kernel, arm64 userland: Docker pulls/builds linux/arm64" ;;
  armhf) ok "$machine kernel, armhf userland: Docker pulls/builds linux/arm/v7 (OpenVINO's armhf runtime)" ;;
  amd64) note "x86-64 host: the image uses today's OpenVINO there, which has no MYRIAD plugin (CPU only)" ;;
  *) note "userland architecture $userland: the image is built for arm64, arm/v7 and amd64 only" ;;
esac
if cmp -s "$rule_file" "$rules_dir/97-myriad-usbboot.rules"; then
  ok "udev rule installed: $rules_dir/97-myriad-usbboot.rules"
else
  fix "udev rule missing or outdated: sudo $0"
fi

echo "Neural Compute Stick"
found=0
for dev in "$sysfs_usb"/*; do
  [[ -f "$dev/idVendor" && $(<"$dev/idVendor") == "$movidius_vendor" ]] || continue
  product=$(<"$dev/idProduct")
  case "$product" in
    2485) state="NCS2, waiting for its firmware (loaded when OpenVINO opens it)" ;;
    f63b) state="booted (NCS2 or NCS, firmware loaded: a process is using it or just released it)" ;;
    2150) state="first-generation NCS, waiting for its firmware" ;;
    *) state="unknown Movidius product $product" ;;
  esac
  found=$((found + 1))
  name=$(basename "$dev")
  ok "$name ($movidius_vendor:$product): $state"
  speed=$(cat "$dev/speed" 2>/dev/null || echo '?')
  if [[ "$speed" == 480 ]]; then
    note "$name runs at USB 2.0 speed (480 Mb/s): a blue USB 3 port on the Pi 4/5 moves images several times faster"
  elif [[ "$speed" != '?' ]]; then
    ok "$name link speed ${speed} Mb/s"
  fi
  busnum=$(cat "$dev/busnum" 2>/dev/null || echo '')
  devnum=$(cat "$dev/devnum" 2>/dev/null || echo '')
  if [[ -n "$busnum" && -n "$devnum" ]]; then
    node=$(printf '%s/%03d/%03d' "$dev_usb" "$busnum" "$devnum")
    if [[ -e "$node" ]]; then
      perms=$(stat -c '%G %a' "$node")
      if [[ "$perms" == "users 660" ]]; then
        ok "$node is group users, mode 660 (the container's user can open it)"
      else
        fix "$node is '$perms', not 'users 660': the udev rule did not apply; re-plug the stick (or sudo udevadm trigger)"
      fi
    else
      fix "$node does not exist although sysfs lists the stick: re-plug it"
    fi
  fi
done
if ((found == 0)); then
  fix "no Movidius stick ($movidius_vendor:2485/f63b/2150) on the USB bus: plug it in directly (not through an unpowered hub), then re-run"
  if command -v lsusb >/dev/null 2>&1; then
    note "lsusb sees: $(lsusb | sed 's/^/\n          /' | tr -d '\n')"
  fi
elif ((found > 1)); then
  note "$found sticks: each appears as its own MYRIAD.<bus>-ma2480 device (DEVICE=MULTI:MYRIAD.a,MYRIAD.b spreads requests)"
fi

echo "Power"
if command -v vcgencmd >/dev/null 2>&1; then
  throttled=$(vcgencmd get_throttled 2>/dev/null | sed 's/^throttled=//')
  # Bit 0: under-voltage now; bit 16: under-voltage has occurred since boot.
  if [[ "$throttled" =~ ^0x[0-9a-fA-F]+$ ]] && (((throttled & 0x10001) != 0)); then
    fix "under-voltage reported (get_throttled=$throttled): use the official power supply; sticks drop off the bus on weak power"
  else
    ok "no under-voltage reported (get_throttled=${throttled:-?})"
  fi
else
  note "vcgencmd not found: cannot read the Pi's under-voltage flags"
fi

echo "Docker"
if command -v docker >/dev/null 2>&1; then
  ok "$(docker --version)"
  if docker compose version >/dev/null 2>&1; then
    ok "$(docker compose version)"
  else
    fix "the compose plugin is missing: sudo apt-get install docker-compose-plugin (Docker's apt repository)"
  fi
else
  fix "Docker is not installed: install Docker Engine for Debian/Raspberry Pi OS from Docker's apt repository"
fi

if ((problems == 0)); then
  echo "Ready: docker compose -f $here/compose.yaml up -d"
else
  echo "$problems thing(s) to fix (above)."
  exit 1
fi
