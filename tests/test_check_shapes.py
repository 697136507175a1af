"""The checker on code shapes beyond the corpus: imports, wrappers, model zoos, frameworks it must leave alone, saying less."""

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
    "torchvision_head": (
        "import torchvision\nfrom torch import nn\nmodel = torchvision.models.resnet18(weights=None)\nmodel.fc = nn.Sequential(nn.Linear(512, 10), nn.Softmax(dim=1))\nloss = nn.CrossEntropyLoss()(model(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "torchvision_from": (
        "from torchvision import models\nfrom torch import nn\nmodel = models.mobilenet_v2()\nmodel.classifier = nn.Linear(1280, 1)\nloss = nn.BCELoss()(model(x).squeeze(1), y)\n",
        {"logits-into-bce"},
    ),
    "torchvision_untouched": (
        "from torchvision import models\nfrom torch import nn\nmodel = models.resnet50()\nloss = nn.BCELoss()(model(x), y)\n",
        set(),
    ),
    "partial": (
        "import functools\nimport torch.nn.functional as F\nloss_fn = functools.partial(F.cross_entropy, label_smoothing=0.1)\nloss = loss_fn(F.softmax(z, 1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "staticmethod": (
        "import torch.nn.functional as F\nfrom torch import nn\nclass T:\n    @staticmethod\n    def loss(out, y):\n        return F.nll_loss(out, y)\n    def step(self, z, y):\n        return self.loss(z.softmax(1), y)\nT().step(z, y)\n",
        {"softmax-into-nll"},
    ),
    "property": (
        "from torch import nn\nclass T:\n    @property\n    def criterion(self):\n        return nn.CrossEntropyLoss()\n    def step(self, z, y):\n        return self.criterion(z.softmax(1), y)\nT().step(z, y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "super_forward": (
        "import torch\nfrom torch import nn\nclass Base(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 4)\n    def forward(self, x):\n        return self.fc(x)\nclass Probs(Base):\n    def forward(self, x):\n        return torch.softmax(super().forward(x), -1)\nloss = nn.CrossEntropyLoss()(Probs()(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "class_attr_criterion": (
        "from torch import nn\nclass Trainer:\n    criterion = nn.NLLLoss()\n    def step(self, model, x, y):\n        return self.criterion(model(x), y)\nTrainer().step(nn.Sequential(nn.Linear(2, 3), nn.Softmax(1)), x, y)\n",
        {"softmax-into-nll"},
    ),
    "criterion_kw": (
        "from torch import nn\ndef train(model, loader, criterion=None):\n    for x, y in loader:\n        criterion(model(x), y).backward()\ntrain(nn.Sequential(nn.Linear(2, 3), nn.Softmax(1)), loader, criterion=nn.CrossEntropyLoss())\n",
        {"softmax-into-cross-entropy"},
    ),
    "dict_criteria": (
        "from torch import nn\nlosses = {'ce': nn.CrossEntropyLoss(), 'mse': nn.MSELoss()}\nl = losses['ce'](z.softmax(-1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "star_layers": (
        "from torch import nn\nlayers = [nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3)]\nm = nn.Sequential(*layers, nn.Softmax(dim=-1))\nl = nn.CrossEntropyLoss()(m(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "append_seq": (
        "from torch import nn\nm = nn.Sequential(nn.Linear(2, 3))\nm.append(nn.Softmax(dim=1))\nl = nn.CrossEntropyLoss()(m(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "wrapper": (
        "import torch.nn.functional as F\nfrom torch import nn\nclass Wrap(nn.Module):\n    def __init__(self, base):\n        super().__init__()\n        self.base = base\n    def forward(self, x):\n        return F.softmax(self.base(x), -1)\nl = F.cross_entropy(Wrap(nn.Linear(3, 3))(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "max_metrics": (
        "import torch\nfrom torch import nn\ncriterion = nn.CrossEntropyLoss()\nout = model(x)\n_, pred = torch.max(torch.softmax(out, 1), 1)\nloss = criterion(out, y)\n",
        set(),
    ),
    "softmax_var_then_logits": (
        "import torch.nn.functional as F\nlogits = model(x)\nprobs = logits.softmax(-1)\nloss = F.cross_entropy(logits, y)\nconf = probs.max(-1)\n",
        set(),
    ),
    "categorical": (
        "import torch\nfrom torch.distributions import Categorical\ndist = Categorical(probs=torch.softmax(logits, -1))\nloss = -dist.log_prob(a).mean()\n",
        set(),
    ),
    "bce_softmax_col": ("import torch.nn.functional as F\nl = F.binary_cross_entropy(F.softmax(z, 1)[:, 1], y)\n", set()),
    "sigmoid_attr_bce": (
        "import torch\nfrom torch import nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 1)\n        self.sigmoid = nn.Sigmoid()\n    def forward(self, x):\n        return self.sigmoid(self.fc(x))\nloss = nn.BCELoss()(M()(x), y)\n",
        set(),
    ),
    "squeeze_raw_bce": (
        "from torch import nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.out = nn.Linear(3, 1)\n    def forward(self, x):\n        return self.out(x).squeeze()\nloss = nn.BCELoss()(M()(x), y.float())\n",
        {"logits-into-bce"},
    ),
    "main_guard": (
        "import torch.nn as nn\ndef main():\n    model = nn.Sequential(nn.Linear(4, 2), nn.Softmax(dim=1))\n    crit = nn.CrossEntropyLoss().cuda()\n    loss = crit(model(x), y)\nif __name__ == '__main__':\n    main()\n",
        {"softmax-into-cross-entropy"},
    ),
    "ignite_like_unknown": (
        "from torch import nn\nfrom ignite.engine import create_supervised_trainer\nmodel = nn.Sequential(nn.Linear(4, 2), nn.Softmax(dim=1))\ntrainer = create_supervised_trainer(model, opt, nn.CrossEntropyLoss())\n",
        set(),
    ),
    "async_match": (
        "import torch.nn.functional as F\nasync def step(z, y, kind):\n    match kind:\n        case 'a':\n            return F.nll_loss(F.softmax(z, 1), y)\n        case _:\n            return None\n",
        {"softmax-into-nll"},
    ),
    "branch_attr_undecided": (
        "from torch import nn\nclass N(nn.Module):\n    def __init__(self, cfg):\n        super().__init__()\n        self.fc = nn.Linear(3, 3)\n        if cfg.loss == 'ce':\n            self.out = nn.Identity()\n        else:\n            self.out = nn.Softmax(dim=1)\n    def forward(self, x):\n        return self.out(self.fc(x))\nl = nn.CrossEntropyLoss()(N(cfg)(x), y)\n",
        set(),
    ),
    "branch_attr_one_sided": (
        "from torch import nn\nclass N(nn.Module):\n    def __init__(self, cfg):\n        super().__init__()\n        self.out = nn.Linear(3, 3)\n        if cfg.probs:\n            self.out = nn.Sequential(nn.Linear(3, 3), nn.Softmax(1))\n    def forward(self, x):\n        return self.out(x)\nl = nn.CrossEntropyLoss()(N(cfg)(x), y)\n",
        set(),
    ),
    "branch_attr_decided": (
        "from torch import nn\nclass N(nn.Module):\n    def __init__(self, probs=True):\n        super().__init__()\n        self.out = nn.Linear(3, 3)\n        if probs:\n            self.out = nn.Sequential(nn.Linear(3, 3), nn.Softmax(1))\n    def forward(self, x):\n        return self.out(x)\nl = nn.CrossEntropyLoss()(N()(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "branch_attr_agree": (
        "from torch import nn\nclass N(nn.Module):\n    def __init__(self, cfg):\n        super().__init__()\n        self.fc = nn.Linear(3, 3)\n        if cfg.wide:\n            self.out = nn.Softmax(dim=1)\n        else:\n            self.out = nn.Softmax(dim=-1)\n    def forward(self, x):\n        return self.out(self.fc(x))\nl = nn.CrossEntropyLoss()(N(cfg)(x), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "branch_criteria_agree": (
        "from torch import nn\nif args.smooth:\n    crit = nn.CrossEntropyLoss(label_smoothing=0.1)\nelse:\n    crit = nn.CrossEntropyLoss()\nl = crit(z.softmax(1), y)\n",
        {"softmax-into-cross-entropy"},
    ),
    "clamped_raw_bce": ("from torch import nn\nhead = nn.Linear(8, 1)\nloss = nn.BCELoss()(head(h).clamp(0, 1), y)\n", set()),
}


@pytest.mark.parametrize("name", CASES)
def test_rules_found(name):
    source, rules = CASES[name]
    assert {f.rule for f in check_text(source)} == rules
