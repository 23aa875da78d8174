"""Looking inside a trained image classifier: occlusion maps and first-layer filter responses,
sent as `Picture` events once a run has finished (`digits_lenet`'s `Plan.after_training`).

An occlusion map (Zeiler & Fergus 2014, lesson 20) hides one small square of the image at a
time and records how much the probability of the true class drops: where it drops, the network
was relying on what the square hid. Every square position is one occluded copy of the image, so
the copies go through the network as a few large batches rather than one forward pass each:
for a 28×28 digit and a square centred on every pixel that is 784 images, about 0.05 s for
LeNet-5 on one CPU thread (all of digits_lenet's pictures: 0.2-0.5 s, measured on a busy
2-core machine).

The filter responses are the first conv layer's outputs before the nonlinearity: a filter that
learned an edge detector is positive on one side of each stroke and negative on the other, as
the hand-made Sobel kernel of lesson 12 is.

Torch side (the run process only): the viewers get the events, never the model.
"""

from __future__ import annotations

import torch
from torch import nn

from tutor.pictures import Figure, Panel, panel
from tutor.training.events import Picture
from tutor.training.loop import Plan

PATCH = 7  #: side of the hiding square, in pixels: about a stroke's width and a half
BATCH = 1024


def occlusion_masks(height: int, width: int, patch: int, stride: int = 1,
                    device: torch.device | None = None) -> torch.Tensor:
    """(positions, height, width) bools: True under the square at each position. The square is
    centred on pixel (i·stride, j·stride), row by row, and cut off at the image's edge, so the
    map has ceil(height/stride) × ceil(width/stride) positions, one per (strided) pixel."""

    def inside(size: int) -> torch.Tensor:  # (centres, pixels): the pixel is under the square
        offset = (torch.arange(size, device=device)[None, :]
                  - torch.arange(0, size, stride, device=device)[:, None] + patch // 2)
        return (offset >= 0) & (offset < patch)

    rows, cols = inside(height), inside(width)
    masks = rows[:, None, :, None] & cols[None, :, None, :]  # (R, C, H, W)
    return masks.reshape(-1, height, width)


@torch.no_grad()
def occlusion_drop(model: nn.Module, image: torch.Tensor, label: int, *, patch: int = PATCH,
                   stride: int = 1, fill: float = 0.0, batch: int = BATCH) -> torch.Tensor:
    """How much the probability of `label` drops when the square at each position is filled
    with `fill`: p(label | image) − p(label | occluded), as a (rows, cols) map (see
    `occlusion_masks`). Negative where hiding helped. `image` is (C, H, W), on the model's
    device and dtype; the model is put in eval mode and left there."""
    model.eval()
    _, height, width = image.shape
    masks = occlusion_masks(height, width, patch, stride, device=image.device)
    base = torch.softmax(model(image[None]), dim=1)[0, label]
    probs = []
    for start in range(0, len(masks), batch):
        m = masks[start:start + batch, None]  # (b, 1, H, W), broadcast over channels
        occluded = torch.where(m, torch.full_like(image, fill)[None], image[None])
        probs.append(torch.softmax(model(occluded), dim=1)[:, label])
    rows = -(-height // stride)
    return (base - torch.cat(probs)).reshape(rows, -1)


@torch.no_grad()
def filter_responses(conv: nn.Conv2d, image: torch.Tensor) -> torch.Tensor:
    """The conv layer's output maps on one (C, H, W) image: (out_channels, H', W')."""
    return conv(image[None])[0]


def _pick(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
          count: int) -> list[int]:
    """The first `count` held-out images the model classifies right, each of another digit."""
    with torch.no_grad():
        predicted = model(images[:512]).argmax(dim=1)
    chosen: list[int] = []
    seen: set[int] = set()
    for i, (p, y) in enumerate(zip(predicted.tolist(), labels[:512].tolist())):
        if p == y and y not in seen:
            chosen.append(i)
            seen.add(y)
            if len(chosen) == count:
                break
    return chosen


def lenet_pictures(plan: Plan, *, fill: float = 0.0, count: int = 3,
                   patch: int = PATCH) -> list[Picture]:
    """The occlusion maps of `count` held-out digits (the plan's first member, on its held-out
    set) and the first conv layer's responses on the first of them, as Picture events. `fill`:
    what the square paints, in the model's input units (digits_lenet: blank paper)."""
    model = plan.members[0].model
    images, labels = plan.val_x, plan.val_y
    if images is None or labels is None:
        images, labels = plan.train_x, plan.train_y
    model.eval()  # and left so: the run is over
    chosen = _pick(model, images, labels, count)
    if not chosen:
        return []
    digits: list[Panel] = []
    for i in chosen:
        image, label = images[i], int(labels[i])
        drop = occlusion_drop(model, image, label, patch=patch, fill=fill)
        digits.append(panel(image[0].cpu(), ramp="gray", label=f"a held-out {label}"))
        digits.append(panel(drop.cpu(), ramp="heat", lo=0.0, hi=1.0,
                            label=f"drop of p({label})"))
    occlusion = Figure(
        title="Where the trained LeNet looks: occlusion maps",
        panels=tuple(digits), group=2,
        caption=(f"Each pixel of a map: how much the probability of the true digit drops when "
                 f"a {patch}×{patch} square centred there is painted blank (0: not at all, "
                 "1: from certain to impossible). Bright where the network needs the ink; "
                 "see lesson 20."))
    conv = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    first = images[chosen[0]]
    maps = filter_responses(conv, first)
    responses = Figure(
        title="What the first conv layer sees",
        panels=(panel(first[0].cpu(), ramp="gray", label=f"a {int(labels[chosen[0]])}"),
                *(panel(m.cpu(), ramp="signed", label=f"filter {k + 1}")
                  for k, m in enumerate(maps))),
        caption=(f"Its {len(maps)} learned {conv.kernel_size[0]}×{conv.kernel_size[1]} "
                 "filters slid over the digit, before the ReLU: red where a filter's response is "
                 "positive, blue where it is negative, each on its own scale. Some respond to "
                 "the ink itself (a red or a blue copy of the digit), others to its edges (red "
                 "on one side of a stroke, blue on the other), as the Sobel filter of lesson 12 "
                 "does."))
    return [Picture(title=f.title, caption=f.caption, group=f.group,
                    panels=tuple(p.to_dict() for p in f.panels)) for f in (occlusion, responses)]
