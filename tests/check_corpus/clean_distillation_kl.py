"""Knowledge distillation: KL between log_softmax(student) and softmax(teacher), plus CE on the labels."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.7):
    soft = F.kl_div(
        F.log_softmax(student_logits / T, dim=1),
        F.softmax(teacher_logits / T, dim=1),
        reduction="batchmean",
    )
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft * T * T + (1 - alpha) * hard


torch.manual_seed(0)
teacher = nn.Linear(5, 3)
student = nn.Linear(5, 3)
opt = torch.optim.SGD(student.parameters(), lr=0.1)
for _ in range(3):
    x, y = torch.randn(10, 5), torch.randint(0, 3, (10,))
    loss = distillation_loss(student(x), teacher(x).detach(), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
