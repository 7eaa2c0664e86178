"""Tiny causal LMs for the speculative-decoding tests: random weights from a fixed seed, one shared vocabulary
(the "tokenizer" is the token ids themselves), built in milliseconds; nothing is downloaded."""

from __future__ import annotations

import torch

from compute.specdecode.models import CausalLM


def tiny_lm(vocab: int = 32, layers: int = 2, hidden: int = 32, seed: int = 0, scale: float = 0.4,
            perturb_from: torch.nn.Module | None = None, noise: float = 0.0) -> CausalLM:
    """A Qwen2 LM; ``scale`` spreads the logits so greedy choices have clear margins. With ``perturb_from``
    the model is a copy of that one with Gaussian noise added (a draft that agrees often, not always)."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=vocab, hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         initializer_range=scale, tie_word_embeddings=False, attn_implementation="sdpa")
    model = Qwen2ForCausalLM(config)
    if perturb_from is not None:
        model.load_state_dict(perturb_from.state_dict())
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.add_(noise * torch.randn(parameter.shape, generator=generator))
    return CausalLM(model.float())


def pair(vocab: int = 32, noise: float = 0.15) -> tuple[CausalLM, CausalLM]:
    """(target, draft): the draft is a noisy copy of the target, so proposals are often accepted."""
    target = tiny_lm(vocab=vocab, seed=0)
    return target, tiny_lm(vocab=vocab, seed=1, perturb_from=target.model, noise=noise)
