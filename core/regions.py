"""Decision regions as an RGB image (like TensorFlow Playground's canvas): cheap to redraw every frame."""

import io

import torch
from PIL import Image

from core.palette import CLASSES

PALETTE = torch.tensor([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in CLASSES], dtype=torch.float32)  # (9, 3)


def class_colors(labels: torch.Tensor) -> torch.Tensor:
    """RGB per label, cycling the palette for C > 9; (..., 3)."""
    return PALETTE[labels % len(PALETTE)]


def region_image(probs: torch.Tensor, points: torch.Tensor, labels: torch.Tensor, pixels_per_cell: int = 5) -> torch.Tensor:
    """probs (G0, G1, C) over a grid (axis 0 = x₀ left→right, axis 1 = x₁ bottom→top); points in cell units.

    Returns uint8 (H, W, 3): the predicted class's colour, stronger where the model is more confident, with
    the training points drawn as dots outlined in white.
    """
    g0, g1, c = probs.shape
    confidence, cls = probs.max(-1)  # (G0, G1)
    strength = (0.12 + 0.6 * ((confidence - 1 / c) / (1 - 1 / c)).clamp(0, 1)).unsqueeze(-1)
    cells = 255 * (1 - strength) + class_colors(cls) * strength  # (G0, G1, 3)
    image = cells.repeat_interleave(pixels_per_cell, 0).repeat_interleave(pixels_per_cell, 1)
    image = image.transpose(0, 1).flip(0)  # rows = x₁ from the top, columns = x₀
    h, w = image.shape[:2]
    col = (points[:, 0] * pixels_per_cell).long().clamp(0, w - 1)
    row = (h - 1 - (points[:, 1] * pixels_per_cell).long()).clamp(0, h - 1)
    for radius, color in [(2, torch.tensor([255.0, 255.0, 255.0])), (1, None)]:
        for dr in range(-radius, radius + 1):
            for dc in range(-radius, radius + 1):
                r, k = (row + dr).clamp(0, h - 1), (col + dc).clamp(0, w - 1)
                image[r, k] = color if color is not None else class_colors(labels)
    return image.round().to(torch.uint8)


def png(image: torch.Tensor) -> bytes:
    """uint8 (H, W, 3) as PNG bytes: encoded once where a race trains, then shipped as is to every viewer."""
    out = io.BytesIO()
    Image.fromarray(image.numpy()).save(out, format="PNG", compress_level=1)  # flat colours: level 1 is small enough
    return out.getvalue()
