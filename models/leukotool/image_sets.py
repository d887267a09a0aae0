"""A folder of images as the model's serving inputs, optionally grown by seeded augmentations: what
quantization calibrates on and what precision agreement is measured on. Identified in the manifest by
its image count and a sha256 over its sorted file list (relative path and content hash per file)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .dataset import image_files, read_rgb
from .preprocessing import serving_input

# Each augmented copy is one of the eight flips/quarter turns of the image, then a seeded crop keeping
# 70-100 % of each side: cells on a smear have no orientation, and a crop moves and scales them.
_MIN_CROP = 0.7


def file_list_sha256(folder: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(f'{path.relative_to(folder).as_posix()} {hashlib.sha256(path.read_bytes()).hexdigest()}\n'
                      .encode())
    return digest.hexdigest()


def augmented(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One seeded variant of an HxWx3 image: a flip/quarter turn (of the eight) and a crop."""
    turned = np.rot90(image, int(rng.integers(4)))
    if rng.integers(2):
        turned = turned[:, ::-1]
    height, width = turned.shape[:2]
    crop_h, crop_w = (max(1, int(round(side * rng.uniform(_MIN_CROP, 1.0)))) for side in (height, width))
    top, left = int(rng.integers(height - crop_h + 1)), int(rng.integers(width - crop_w + 1))
    return np.ascontiguousarray(turned[top:top + crop_h, left:left + crop_w])


@dataclass(frozen=True)
class ImageSet:
    """Serving inputs [1,299,299,3] f32 from a folder: each image as is, then `per_image` augmented copies."""
    folder: str
    images: int
    sha256: str
    augmentations: dict | None
    inputs: list[np.ndarray] = field(repr=False)

    @classmethod
    def load(cls, folder: Path, *, per_image: int = 0, seed: int = 0, label: str | None = None) -> ImageSet:
        files = image_files(folder)
        rng = np.random.default_rng(seed)
        inputs = []
        for path in files:
            image = read_rgb(path)
            inputs.append(serving_input(image)[None])
            inputs += [serving_input(augmented(image, rng))[None] for _ in range(per_image)]
        augmentations = {'per_image': per_image, 'seed': seed, 'kinds': 'flips, quarter turns, crops'} \
            if per_image else None
        return cls(folder=label or str(folder), images=len(files), sha256=file_list_sha256(folder, files),
                   augmentations=augmentations, inputs=inputs)

    def describe(self) -> dict:
        """The manifest's record of this set (the inputs themselves are not kept)."""
        return {'folder': self.folder, 'images': self.images, 'sha256': self.sha256,
                'augmentations': self.augmentations, 'samples': len(self.inputs)}
