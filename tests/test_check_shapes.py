"""The checker on code shapes beyond the corpus: imports, wrappers, frameworks it must leave alone, how it says less."""

import pytest

from core.check import check_text

CASES = {
    "from_import": (
        "from torch.nn import CrossEntropyLoss, Softmax, Sequential, Linear\nm = Sequential(Linear(4, 3), Softmax(dim=1))\nloss = CrossEntropyLoss()(m(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "fn_alias": (
        "import torch.nn.functional as fn\nloss = fn.cross_entropy(fn.softmax(z, dim=1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "bare_funcs": (
        "from torch.nn.functional import softmax, cross_entropy\nloss = cross_entropy(softmax(z, 1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "star": ("from torch.nn import *\nloss = CrossEntropyLoss()(Softmax(1)(z), y)\n", {"softmax-into-cross-entropy"}),
    "fragment": ("loss = F.cross_entropy(F.softmax(logits, dim=1), labels)\n", {"softmax-into-cross-entropy"}),
    "flax": ("from flax import linen as nn\nimport optax\np = nn.softmax(x)\nloss = optax.softmax_cross_entropy(p, y)\n", set()),
    "tf": (
        "import tensorflow as tf\np = tf.nn.softmax(z)\nloss = tf.keras.losses.CategoricalCrossentropy()(y, p)\nl2 = tf.nn.softmax_cross_entropy_with_logits(y, z)\n",
        set(),
    ),
    "ordered": (
        "import torch.nn as nn\nfrom collections import OrderedDict\nm = nn.Sequential(OrderedDict([('fc', nn.Linear(4, 3)), ('sm', nn.Softmax(dim=1))]))\nloss = nn.CrossEntropyLoss()(m(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "dataparallel": (
        "import torch\nfrom torch import nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 2)\n    def forward(self, x):\n        return self.fc(x).softmax(1)\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'\nmodel = Net().to(device)\nmodel = nn.DataParallel(model)\nloss = nn.CrossEntropyLoss()(model(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "lightning": (
        "import pytorch_lightning as pl\nimport torch.nn.functional as F\nfrom torch import nn\nclass M(pl.LightningModule):\n    def __init__(self):\n        super().__init__()\n        self.l1 = nn.Linear(28 * 28, 10)\n    def forward(self, x):\n        return torch.relu(self.l1(x.view(x.size(0), -1))).softmax(dim=1)\n    def training_step(self, batch, batch_nb):\n        x, y = batch\n        loss = F.cross_entropy(self(x), y)\n        self.log('train_loss', loss)\n        return loss\n",
        {"softmax-into-cross-entropy"},
    ),
    "hf": ("outputs = model(**batch)\nloss = criterion(outputs.logits.softmax(-1), batch['labels'])\ncriterion = None\n", set()),
    "hf2": (
        "import torch.nn as nn\ncriterion = nn.CrossEntropyLoss()\noutputs = model(**batch)\nloss = criterion(outputs.logits.softmax(-1), batch['labels'])\n",
        {"softmax-into-cross-entropy"},
    ),
    "log_then_ce": (
        "import torch\nloss = torch.nn.CrossEntropyLoss()(torch.softmax(out, 1).log(), y)\n",
        {"log-of-softmax", "log-softmax-into-cross-entropy"},
    ),
    "qualified": (
        "import torch\nloss = torch.nn.functional.cross_entropy(torch.nn.functional.softmax(x, -1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "flag_default": (
        "from torch import nn\nclass Net(nn.Module):\n    def __init__(self, use_softmax=True):\n        super().__init__()\n        self.fc = nn.Linear(3, 2)\n        self.act = nn.Softmax(dim=1) if use_softmax else nn.Identity()\n    def forward(self, x):\n        return self.act(self.fc(x))\nloss = nn.CrossEntropyLoss()(Net()(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "flag_off": (
        "from torch import nn\nclass Net(nn.Module):\n    def __init__(self, use_softmax=True):\n        super().__init__()\n        self.fc = nn.Linear(3, 2)\n        self.act = nn.Softmax(dim=1) if use_softmax else nn.Identity()\n    def forward(self, x):\n        return self.act(self.fc(x))\nloss = nn.CrossEntropyLoss()(Net(use_softmax=False)(x), y)\n",
        set(),
    ),
    "recursion": ("def f(n):\n    return f(n - 1) if n else F.softmax(z, 1)\nloss = F.cross_entropy(f(3), y)\n", set()),
    "branches": (
        "import torch.nn.functional as F\nif cfg.probs:\n    out = F.softmax(z, 1)\nelse:\n    out = z\nloss = F.cross_entropy(out, y)\n",
        set(),
    ),
    "both_branches": (
        "import torch.nn.functional as F\nif cfg.t:\n    out = F.softmax(z / 2, 1)\nelse:\n    out = F.softmax(z, 1)\nloss = F.cross_entropy(out, y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "custom_softmax": (
        "def softmax(x):\n    e = x.exp()\n    return e / e.sum(1, keepdim=True)\nloss = F.cross_entropy(softmax(z), y)\n",
        set(),
    ),
    "shadow_F": ("F = 3\nloss = F.cross_entropy(F.softmax(z), y)\n", set()),
    "focal": (
        "import torch.nn.functional as F\nfrom torch import nn\nclass FocalLoss(nn.Module):\n    def forward(self, logits, y):\n        ce = F.cross_entropy(logits, y, reduction='none')\n        p = torch.exp(-ce)\n        return ((1 - p) ** 2 * ce).mean()\nmodel = nn.Sequential(nn.Linear(3, 2), nn.Softmax(dim=1))\nloss = FocalLoss()(model(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "subclass_loss": (
        "from torch import nn\nclass MyCE(nn.CrossEntropyLoss):\n    pass\nloss = MyCE()(z.softmax(1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "eye_long": (
        "import torch\nfrom torch import nn\nt = torch.eye(10, dtype=torch.long)[labels]\nloss = nn.CrossEntropyLoss()(z, t)\nl2 = nn.MSELoss()(z.softmax(1), torch.eye(10)[labels])\n",
        {"long-one-hot-target", "mse-on-probabilities"},
    ),
    "scatter": (
        "import torch\nt = torch.zeros(n, 10).scatter_(1, y.unsqueeze(1), 1.0)\nloss = torch.nn.functional.mse_loss(torch.softmax(z, 1), t)\n",
        {"mse-on-probabilities"},
    ),
    "autocast": (
        "import torch\nwith torch.autocast('cpu'):\n    while step < 10:\n        loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.sigmoid(logits), y, pos_weight=w)\n",
        {"sigmoid-into-bce-with-logits"},
    ),
    "torchvision": (
        "import torchvision\nfrom torch import nn\nmodel = torchvision.models.resnet18(num_classes=1)\nloss = nn.BCELoss()(model(x), y)\n",
        set(),
    ),
    "exp_of_logsoftmax": (
        "import torch.nn.functional as F\nlp = F.log_softmax(z, 1)\nloss = F.cross_entropy(lp.exp(), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "entropy": ("import torch\np = torch.softmax(z, -1)\nentropy = -(p * torch.log(p)).sum(-1)\n", {"log-of-softmax"}),
    "raw_temperature_bce": (
        "from torch import nn\nhead = nn.Linear(8, 1)\nloss = nn.BCELoss()(head(h) / 2.0, y)\n",
        {"logits-into-bce"},
    ),
    "method_class": (
        "from torch import nn\nclass Trainer:\n    def __init__(self, model):\n        self.model = model\n        self.criterion = nn.CrossEntropyLoss()\n    def step(self, x, y):\n        return self.criterion(self.model(x), y)\nTrainer(nn.Sequential(nn.Linear(2, 2), nn.Softmax(-1))).step(x, y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "dataclass_cfg": (
        "from torch import nn\nimport torch.nn.functional as F\ndef loss_fn(out, y, kind='ce'):\n    if kind == 'ce':\n        return F.cross_entropy(out, y)\n    return F.nll_loss(out, y)\nout = F.log_softmax(z, 1)\nl = loss_fn(out, y, kind='nll')\n",
        set(),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rules_found(name):
    source, rules = CASES[name]
    assert {f.rule for f in check_text(source)} == rules
