/** Intel Movidius USB ids: the one statement of them (docker/97-myriad-usbboot.rules is checked against it). */
export const MOVIDIUS_VENDOR_ID = '03e7';

/** Product ids: the NCS2 shows up as 2485 until a runtime boots its firmware, then re-enumerates as f63b. */
export const MOVIDIUS_PRODUCTS = {
  '2485': { model: 'NCS2', state: 'awaiting-firmware' },
  f63b: { model: 'NCS2', state: 'booted' },
  '2150': { model: 'NCS', state: 'awaiting-firmware' },
} as const;

export type MovidiusProductId = keyof typeof MOVIDIUS_PRODUCTS;
