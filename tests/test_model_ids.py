"""Real model ids, as providers, routers and hosts write them, resolved by the registry.

Each row says what the provider's own documentation says about the id: the family it belongs
to, whether the id names a fixed model (a dated or versioned snapshot, a versioned Bedrock id,
an OpenAI fine-tune, a Hub repository pinned to a 40-hex commit) or a moving name, and the
terms that govern its outputs. Rows were written from model cards, licence files and the
providers' model lists (OpenAI and Anthropic model pages, Bedrock model ids, Vertex AI model
versions, OpenRouter and Fireworks model pages, Ollama tags), not copied from the registry's
output. ``None`` as family means the registry is expected not to know the model.
"""

from __future__ import annotations

from typing import Any

import pytest

from synthgov.models.registry import ModelRegistry

SHA = "0e9e39f249a16976918f6564b8830bc894c89659"  # any 40-hex commit sha

# (reference, family, pinned, terms id)
ROWS: list[tuple[Any, str | None, bool, str | None]] = [
    # ---- OpenAI API (platform.openai.com/docs/models: dated snapshots, undated aliases)
    ("gpt-4o-2024-05-13", "openai-gpt", True, "openai"),
    ("gpt-4o-2024-08-06", "openai-gpt", True, "openai"),
    ("gpt-4o-2024-11-20", "openai-gpt", True, "openai"),
    ("gpt-4o", "openai-gpt", False, "openai"),
    ("gpt-4o-mini", "openai-gpt", False, "openai"),
    ("gpt-4o-mini-2024-07-18", "openai-gpt", True, "openai"),
    ("gpt-4o-audio-preview", "openai-gpt", False, "openai"),
    ("gpt-4o-realtime-preview-2024-12-17", "openai-gpt", True, "openai"),
    ("chatgpt-4o-latest", "openai-gpt", False, "openai"),
    ("gpt-4.1", "openai-gpt", False, "openai"),
    ("gpt-4.1-2025-04-14", "openai-gpt", True, "openai"),
    ("gpt-4.1-mini", "openai-gpt", False, "openai"),
    ("gpt-4.1-nano-2025-04-14", "openai-gpt", True, "openai"),
    ("gpt-4.5-preview-2025-02-27", "openai-gpt", True, "openai"),
    ("gpt-5", "openai-gpt", False, "openai"),
    ("gpt-5-2025-08-07", "openai-gpt", True, "openai"),
    ("gpt-5-mini-2025-08-07", "openai-gpt", True, "openai"),
    ("gpt-5.1", "openai-gpt", False, "openai"),
    ("gpt-4-turbo", "openai-gpt", False, "openai"),
    ("gpt-4-turbo-2024-04-09", "openai-gpt", True, "openai"),
    ("gpt-4-0125-preview", "openai-gpt", True, "openai"),
    ("gpt-4-0613", "openai-gpt", True, "openai"),
    ("gpt-4", "openai-gpt", False, "openai"),
    ("gpt-3.5-turbo-0125", "openai-gpt", True, "openai"),
    ("gpt-3.5-turbo", "openai-gpt", False, "openai"),
    ("text-davinci-003", "openai-gpt", True, "openai"),
    ("o1-2024-12-17", "openai-o", True, "openai"),
    ("o1", "openai-o", False, "openai"),
    ("o3-mini-2025-01-31", "openai-o", True, "openai"),
    ("o3", "openai-o", False, "openai"),
    ("o3-2025-04-16", "openai-o", True, "openai"),
    ("o4-mini-2025-04-16", "openai-o", True, "openai"),
    ("gpt-oss-120b", "openai-gpt", False, "apache-2.0"),
    ("openai/gpt-oss-20b", "openai-gpt", False, "apache-2.0"),
    ({"id": "openai/gpt-oss-20b", "revision": SHA}, "openai-gpt", True, "apache-2.0"),
    # fine-tunes: fixed models of their base's family and terms
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "openai-gpt", True, "openai"),
    ("ft:gpt-3.5-turbo-0125:acme:support:9xYz1", "openai-gpt", True, "openai"),
    ("ft:gpt-4.1-2025-04-14:acme::B3kq7", "openai-gpt", True, "openai"),
    # LiteLLM routes
    ("openai/gpt-4o", "openai-gpt", False, "openai"),
    ("openai/gpt-4o-2024-08-06", "openai-gpt", True, "openai"),
    ("litellm_proxy/gpt-4o", "openai-gpt", False, "openai"),
    ("azure/gpt-4o", "openai-gpt", False, "openai"),
    ("azure/gpt-4o-2024-08-06", "openai-gpt", True, "openai"),
    ("azure/my-prod-deployment", None, False, None),
    # ---- Anthropic (docs.anthropic.com model ids; -latest aliases)
    ("claude-3-5-sonnet-20240620", "claude", True, "anthropic"),
    ("claude-3-5-sonnet-20241022", "claude", True, "anthropic"),
    ("claude-3-5-sonnet-latest", "claude", False, "anthropic"),
    ("claude-3-7-sonnet-20250219", "claude", True, "anthropic"),
    ("claude-3-7-sonnet-latest", "claude", False, "anthropic"),
    ("claude-3-opus-20240229", "claude", True, "anthropic"),
    ("claude-3-haiku-20240307", "claude", True, "anthropic"),
    ("claude-3-5-haiku-20241022", "claude", True, "anthropic"),
    ("claude-sonnet-4-20250514", "claude", True, "anthropic"),
    ("claude-opus-4-20250514", "claude", True, "anthropic"),
    ("claude-opus-4-1-20250805", "claude", True, "anthropic"),
    ("claude-sonnet-4-5-20250929", "claude", True, "anthropic"),
    ("claude-sonnet-4-5", "claude", False, "anthropic"),
    ("claude-haiku-4-5-20251001", "claude", True, "anthropic"),
    ("claude-2.1", "claude", True, "anthropic"),
    ("claude-instant-1.2", "claude", True, "anthropic"),
    ("anthropic/claude-3-5-sonnet-20240620", "claude", True, "anthropic"),
    ("openrouter/anthropic/claude-3.5-sonnet", "claude", False, "anthropic"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "claude", True, "anthropic"),
    # ---- Amazon Bedrock model ids (docs.aws.amazon.com/bedrock model ids: -vN:M versions)
    ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "claude", True, "anthropic"),
    ("bedrock/anthropic.claude-v2:1", "claude", True, "anthropic"),
    ("bedrock/meta.llama3-1-70b-instruct-v1:0", "llama", True, "llama-3.1"),
    ("bedrock/meta.llama3-70b-instruct-v1:0", "llama", True, "llama-3"),
    ("bedrock/us.meta.llama3-2-3b-instruct-v1:0", "llama", True, "llama-3.2"),
    ("bedrock/meta.llama3-3-70b-instruct-v1:0", "llama", True, "llama-3.3"),
    ("bedrock/cohere.command-r-plus-v1:0", "command", True, "aws-bedrock"),
    ("bedrock/cohere.command-r-v1:0", "command", True, "aws-bedrock"),
    ("bedrock/deepseek.r1-v1:0", "deepseek", True, "deepseek"),
    ("bedrock/mistral.mistral-large-2402-v1:0", "mistral", True, "aws-bedrock"),
    ("bedrock/mistral.mistral-7b-instruct-v0:2", "mistral", True, "mistral-apache"),
    ("bedrock/mistral.mixtral-8x7b-instruct-v0:1", "mistral", True, "mistral-apache"),
    ("amazon.nova-pro-v1:0", "nova", True, "aws-bedrock"),
    ("bedrock/amazon.nova-lite-v1:0", "nova", True, "aws-bedrock"),
    ("bedrock/us.amazon.nova-premier-v1:0", "nova", True, "aws-bedrock"),
    # ---- Google Gemini (ai.google.dev / Vertex AI model versions)
    ("gemini-1.5-pro-002", "gemini", True, "google-gemini"),
    ("gemini-1.5-flash-001", "gemini", True, "google-gemini"),
    ("gemini-1.5-pro", "gemini", False, "google-gemini"),
    ("gemini-1.5-pro-latest", "gemini", False, "google-gemini"),
    ("gemini-2.0-flash-001", "gemini", True, "google-gemini"),
    ("gemini-2.0-flash", "gemini", False, "google-gemini"),
    ("gemini-2.0-flash-lite-001", "gemini", True, "google-gemini"),
    ("gemini-2.5-pro", "gemini", True, "google-gemini"),
    ("gemini-2.5-flash", "gemini", True, "google-gemini"),
    ("gemini-2.5-pro-preview-05-06", "gemini", True, "google-gemini"),
    ("gemini-exp-1206", "gemini", True, "google-gemini"),
    ("gemini-pro", "gemini", False, "google-gemini"),
    ("gemini/gemini-1.5-pro-002", "gemini", True, "google-gemini"),
    ("models/gemini-1.5-flash-002", "gemini", True, "google-gemini"),
    ("vertex_ai/gemini-2.0-flash-001", "gemini", True, "google-gemini"),
    (
        "projects/p/locations/us-central1/publishers/google/models/gemini-1.5-flash-002",
        "gemini",
        True,
        "google-gemini",
    ),
    ("openrouter/google/gemini-2.5-pro", "gemini", True, "google-gemini"),
    # ---- Gemma and MedGemma (Hugging Face model cards)
    ("google/gemma-7b-it", "gemma", False, "gemma"),
    ("google/gemma-2-9b-it", "gemma", False, "gemma"),
    ("google/gemma-2-27b-it", "gemma", False, "gemma"),
    ("google/gemma-3-27b-it", "gemma", False, "gemma"),
    ("google/gemma-3n-E4B-it", "gemma", False, "gemma"),
    ("google/medgemma-4b-it", "gemma", False, "hai-def"),
    ("google/medgemma-27b-text-it", "gemma", False, "hai-def"),
    ("ollama/gemma2:27b", "gemma", False, "gemma"),
    # ---- Meta Llama (licence per version; fine-tunes named "Llama...")
    ("meta-llama/Llama-3.1-8B-Instruct", "llama", False, "llama-3.1"),
    ("meta-llama/Meta-Llama-3.1-70B-Instruct", "llama", False, "llama-3.1"),
    ({"id": "meta-llama/Llama-3.1-405B-Instruct", "revision": SHA}, "llama", True, "llama-3.1"),
    (f"meta-llama/Llama-3.1-70B-Instruct@{SHA}", "llama", True, "llama-3.1"),
    ({"id": "meta-llama/Llama-3.1-70B-Instruct", "revision": "main"}, "llama", False, "llama-3.1"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "llama", False, "llama-3"),
    ("meta-llama/Llama-2-7b-chat-hf", "llama", False, "llama-2"),
    ("meta-llama/Llama-2-70b-hf", "llama", False, "llama-2"),
    ("meta-llama/Llama-3.2-3B-Instruct", "llama", False, "llama-3.2"),
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama", False, "llama-3.2"),
    ("meta-llama/Llama-3.3-70B-Instruct", "llama", False, "llama-3.3"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama", False, "llama-4"),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "llama", False, "llama-4"),
    ("meta-llama/CodeLlama-34b-Instruct-hf", "llama", False, "llama-2"),
    ("meta-llama/Llama-Guard-3-8B", "llama", False, "llama-3.1"),
    ("unsloth/Llama-3.3-70B-Instruct-bnb-4bit", "llama", False, "llama-3.3"),
    ("TheBloke/Llama-2-13B-chat-GPTQ", "llama", False, "llama-2"),
    ("groq/llama-3.3-70b-versatile", "llama", False, "llama-3.3"),
    ("groq/llama-3.1-8b-instant", "llama", False, "llama-3.1"),
    ("ollama/llama3.1:70b", "llama", False, "llama-3.1"),
    ("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "llama", False, "llama-3.1"),
    ("openrouter/meta-llama/llama-3.1-70b-instruct", "llama", False, "llama-3.1"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct", "llama", False, "llama-3.1"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", "llama", False, "llama-3.3"),
    # ---- Mistral AI (open weights on the Hub; La Plateforme ids: -YYMM versions, -latest)
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", False, "mistral-apache"),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistral", False, "mistral-apache"),
    ("mistralai/Mixtral-8x22B-Instruct-v0.1", "mistral", False, "mistral-apache"),
    ("mistralai/Mistral-Nemo-Instruct-2407", "mistral", False, "mistral-apache"),
    ("mistralai/Mistral-Small-24B-Instruct-2501", "mistral", False, "mistral-apache"),
    ("mistralai/Mistral-Large-Instruct-2407", "mistral", False, "mistral-research"),
    ("mistralai/Ministral-8B-Instruct-2410", "mistral", False, "mistral-research"),
    ("mistralai/Codestral-22B-v0.1", "mistral", False, "mistral-nonproduction"),
    ("mistral-large-2407", "mistral", True, "mistral-api"),
    ("mistral-large-latest", "mistral", False, "mistral-api"),
    ("mistral-small-2503", "mistral", True, "mistral-api"),
    ("mistral-medium-2505", "mistral", True, "mistral-api"),
    ("magistral-medium-2506", "mistral", True, "mistral-api"),
    ("codestral-2501", "mistral", True, "mistral-api"),
    ("open-mistral-nemo", "mistral", False, "mistral-api"),
    ("mistral/mistral-large-2411", "mistral", True, "mistral-api"),
    ("openrouter/mistralai/mistral-large-2411", "mistral", True, "mistral-api"),
    ("ollama/mistral", "mistral", False, "mistral-apache"),
    ("accounts/fireworks/models/mixtral-8x22b-instruct", "mistral", False, "mistral-apache"),
    # ---- Alibaba Qwen (licence files per repository)
    ("Qwen/Qwen2.5-72B-Instruct", "qwen", False, "qwen"),
    ({"id": "Qwen/Qwen2.5-72B-Instruct", "revision": "v1.0"}, "qwen", False, "qwen"),
    ("Qwen/Qwen2.5-7B-Instruct", "qwen", False, "qwen-apache"),
    ("Qwen/Qwen2.5-3B-Instruct", "qwen", False, "qwen-research"),
    ("Qwen/Qwen2.5-Coder-32B-Instruct", "qwen", False, "qwen-apache"),
    ("Qwen/Qwen2-72B-Instruct", "qwen", False, "tongyi-qianwen"),
    ("Qwen/Qwen2-7B-Instruct", "qwen", False, "qwen-apache"),
    ("Qwen/Qwen-7B-Chat", "qwen", False, "tongyi-qianwen"),
    ("Qwen/Qwen-72B", "qwen", False, "tongyi-qianwen"),
    ("Qwen/Qwen1.5-110B-Chat", "qwen", False, "tongyi-qianwen"),
    ("Qwen/Qwen-1_8B-Chat", "qwen", False, "tongyi-qianwen-research"),
    ("Qwen/Qwen3-235B-A22B", "qwen", False, "qwen-apache"),
    ("Qwen/Qwen3-8B", "qwen", False, "qwen-apache"),
    ("Qwen/Qwen3-Next-80B-A3B-Instruct", "qwen", False, "qwen-apache"),
    ("Qwen/QwQ-32B", "qwen", False, "qwen-apache"),
    ("qwen-max-2025-01-25", "qwen", True, "alibaba-api"),
    ("qwen-plus", "qwen", False, "alibaba-api"),
    ("qwen-turbo-latest", "qwen", False, "alibaba-api"),
    ("ollama/qwen2.5:72b", "qwen", False, "qwen"),
    ("openrouter/qwen/qwen-2.5-72b-instruct", "qwen", False, "qwen"),
    ("together_ai/Qwen/Qwen2.5-72B-Instruct-Turbo", "qwen", False, "qwen"),
    ("fireworks_ai/accounts/fireworks/models/qwen2p5-72b-instruct", "qwen", False, "qwen"),
    # ---- DeepSeek (model cards: MIT from V3-0324 and R1; DeepSeek licence for V2/V3)
    ("deepseek-ai/DeepSeek-R1", "deepseek", False, "deepseek"),
    ("deepseek-ai/DeepSeek-R1-0528", "deepseek", False, "deepseek"),
    ("deepseek-ai/DeepSeek-V3", "deepseek", False, "deepseek-model"),
    ("deepseek-ai/DeepSeek-V3-0324", "deepseek", False, "deepseek"),
    ("deepseek-ai/DeepSeek-V3.1", "deepseek", False, "deepseek"),
    ("deepseek-ai/DeepSeek-V3.2-Exp", "deepseek", False, "deepseek"),
    ("deepseek-ai/DeepSeek-V3.2", "deepseek", False, "unreviewed"),
    ("deepseek-ai/DeepSeek-V2.5", "deepseek", False, "deepseek-model"),
    ("deepseek-ai/DeepSeek-Coder-V2-Instruct", "deepseek", False, "deepseek-model"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "deepseek", False, "qwen-apache"),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "deepseek", False, "llama-3.3"),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "deepseek", False, "llama-3.1"),
    ("deepseek-chat", "deepseek", False, "deepseek-api"),
    ("deepseek-reasoner", "deepseek", False, "deepseek-api"),
    ("deepseek/deepseek-chat", "deepseek", False, "deepseek-api"),
    ("openrouter/deepseek/deepseek-r1:free", "deepseek", False, "deepseek"),
    ("accounts/fireworks/models/deepseek-r1", "deepseek", False, "deepseek"),
    ("together_ai/deepseek-ai/DeepSeek-V3", "deepseek", False, "deepseek-model"),
    ("ollama/deepseek-r1:8b", "deepseek", False, "llama-3.1"),
    # ---- Microsoft
    ("microsoft/phi-4", "phi", False, "phi"),
    ("microsoft/Phi-4-mini-instruct", "phi", False, "phi"),
    ("microsoft/Phi-4-reasoning", "phi", False, "phi"),
    ("microsoft/Phi-3-mini-4k-instruct", "phi", False, "phi"),
    ("microsoft/Phi-3.5-mini-instruct", "phi", False, "phi"),
    ("microsoft/phi-2", "phi", False, "phi"),
    ("microsoft/phi-1_5", "phi", False, "phi"),
    ("ollama/phi4", "phi", False, "phi"),
    ("microsoft/Orca-2-13b", "orca", False, "microsoft-research"),
    # ---- Cohere (C4AI weights CC-BY-NC; API ids dated -MM-YYYY)
    ("CohereForAI/c4ai-command-r-plus", "command", False, "cohere"),
    ("CohereForAI/c4ai-command-r-v01", "command", False, "cohere"),
    ("CohereLabs/c4ai-command-a-03-2025", "command", False, "cohere"),
    ("command-r-plus-08-2024", "command", True, "cohere-api"),
    ("command-r-08-2024", "command", True, "cohere-api"),
    ("command-a-03-2025", "command", True, "cohere-api"),
    ("command-r-plus", "command", False, "cohere-api"),
    ("cohere/command-r", "command", False, "cohere-api"),
    ("CohereForAI/aya-expanse-8b", "aya", False, "cohere"),
    ("CohereLabs/aya-23-35B", "aya", False, "cohere"),
    ("CohereForAI/aya-101", None, False, None),  # Apache-2.0 mT5 model, not registered
    # ---- NVIDIA (Hub ids with underscores as NVIDIA writes them)
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1", "nemotron", False, "llama-3.3"),
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", "nemotron", False, "llama-3.3"),
    ("nvidia/Llama-3_1-Nemotron-Ultra-253B-v1", "nemotron", False, "llama-3.1"),
    ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "nemotron", False, "llama-3.1"),
    ("nvidia/Llama-3.1-Nemotron-Nano-8B-v1", "nemotron", False, "llama-3.1"),
    ("nvidia/Nemotron-4-340B-Instruct", "nemotron", False, "nvidia-open-model"),
    ("nvidia/NVIDIA-Nemotron-Nano-9B-v2", "nemotron", False, "nvidia-open-model"),
    ("nvidia/NVIDIA-Nemotron-Nano-12B-v2-Base", "nemotron", False, "nvidia-open-model"),
    ("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "nemotron", False, "nemotron-open-model"),
    # ---- fine-tunes and research models (licence of the base unless the card says otherwise)
    ("allenai/Llama-3.1-Tulu-3-8B", "tulu", False, "llama-3.1"),
    ("allenai/Llama-3.1-Tulu-3-70B-DPO", "tulu", False, "llama-3.1"),
    ("allenai/OLMo-2-1124-7B-Instruct", "olmo", False, "apache-2.0"),
    ("allenai/OLMo-2-0325-32B-Instruct", "olmo", False, "apache-2.0"),
    ("HuggingFaceH4/zephyr-7b-beta", "zephyr", False, "mit"),
    ("HuggingFaceH4/zephyr-7b-gemma-v0.1", "zephyr", False, "gemma"),
    ("NousResearch/Hermes-3-Llama-3.1-8B", "hermes", False, "llama-3.1"),
    ("NousResearch/Hermes-3-Llama-3.1-405B", "hermes", False, "llama-3.1"),
    ("NousResearch/Hermes-3-Llama-3.2-3B", "hermes", False, "llama-3.2"),
    ("NousResearch/Hermes-2-Pro-Llama-3-8B", "hermes", False, "llama-3"),
    ("NousResearch/Nous-Hermes-2-Mixtral-8x7B-DPO", "hermes", False, "mistral-apache"),
    ("teknium/OpenHermes-2.5-Mistral-7B", "hermes", False, "mistral-apache"),
    ("berkeley-nest/Starling-LM-7B-alpha", "starling", False, "starling"),
    ("Nexusflow/Starling-LM-7B-beta", "starling", False, "starling"),
    ("lmsys/vicuna-13b-v1.5", "vicuna", False, "llama-2"),
    ("lmsys/vicuna-7b-v1.3", "vicuna", False, "llama-1"),
    ("WizardLMTeam/WizardLM-13B-V1.0", "wizardlm", False, "llama-1"),
    ("WizardLMTeam/WizardLM-13B-V1.2", "wizardlm", False, "llama-2"),
    ("WizardLMTeam/WizardLM-70B-V1.0", "wizardlm", False, "llama-2"),
    ("alpindale/WizardLM-2-8x22B", "wizardlm", False, "apache-2.0"),
    ("tiiuae/falcon-7b-instruct", "falcon", False, "apache-2.0"),
    ("tiiuae/falcon-40b", "falcon", False, "apache-2.0"),
    ("tiiuae/falcon-180B-chat", "falcon", False, "falcon-180b"),
    ("tiiuae/Falcon3-10B-Instruct", "falcon", False, "falcon-tii"),
    ("01-ai/Yi-1.5-34B-Chat", "yi", False, "apache-2.0"),
    ("01-ai/Yi-34B-Chat", "yi", False, "apache-2.0"),
    # ---- generators of 2025-2026
    ("moonshotai/Kimi-K2-Instruct", "kimi", False, "kimi-k2"),
    ("moonshotai/Kimi-K2-Instruct-0905", "kimi", False, "kimi-k2"),
    ("kimi-k2-0905-preview", "kimi", False, "kimi-k2"),
    ("openrouter/moonshotai/kimi-k2", "kimi", False, "kimi-k2"),
    ("accounts/fireworks/models/kimi-k2-instruct", "kimi", False, "kimi-k2"),
    ("zai-org/GLM-4.5", "glm", False, "mit"),
    ("zai-org/GLM-4.5-Air", "glm", False, "mit"),
    ("openrouter/z-ai/glm-4.5", "glm", False, "mit"),
    ("ibm-granite/granite-3.3-8b-instruct", "granite", False, "apache-2.0"),
    ("ibm-granite/granite-4.0-h-small", "granite", False, "apache-2.0"),
    ("grok-4-0709", "grok", True, "xai-api"),
    ("grok-2-1212", "grok", True, "xai-api"),
    ("grok-4", "grok", False, "xai-api"),
    ("grok-3-mini", "grok", False, "xai-api"),
    ("xai/grok-4", "grok", False, "xai-api"),
    ("openrouter/x-ai/grok-4", "grok", False, "xai-api"),
    # ---- models the registry does not know
    ("acme/house-model-7b", None, False, None),
    ("EleutherAI/gpt-neox-20b", None, False, None),
    ("acme-model-2048", None, False, None),  # digits, not a date
    ("acme-model-2024-05-01", None, True, None),  # a full date: assumed a snapshot
]


@pytest.fixture(scope="module")
def registry() -> ModelRegistry:
    return ModelRegistry.builtin()


def test_the_table_is_large_and_has_no_duplicates() -> None:
    keys = [str(ref) for ref, *_ in ROWS]
    assert len(keys) >= 150
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(("ref", "family", "pinned", "terms"), ROWS, ids=str)
def test_model_id(
    registry: ModelRegistry, ref: Any, family: str | None, pinned: bool, terms: str | None
) -> None:
    info = registry.resolve(ref)
    got_family = info.family if info.known else None
    got_terms = info.terms.id if info.terms else None
    assert (got_family, info.pinned, got_terms) == (family, pinned, terms), (
        f"{info.normalized} via {info.route}: {info.pin_reason}"
    )


# --------------------------------------------------------------------------- hints

HINTS = [
    ("gpt-4o", "use the snapshot gpt-4o-2024-08-06"),
    ("openai/gpt-4o", "use the snapshot openai/gpt-4o-2024-08-06"),
    ("gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    ("meta-llama/Llama-3.1-8B-Instruct", "revision: <40-hex commit sha>"),
    ({"id": "Qwen/Qwen2.5-72B-Instruct", "revision": "v1.0"}, "revision: <40-hex commit sha>"),
    ("bedrock/meta.llama3-1-70b-instruct", "-vN:M"),
    ("azure/my-prod-deployment", "turn off automatic version upgrades"),
    ("openrouter/anthropic/claude-3.5-sonnet", "dated snapshot in the slug"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct", "revision: <40-hex sha>"),
    ("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "together_ai can change"),
    ("vertex_ai/gemini-1.5-pro", "model@YYYYMMDD"),
    ("google/gemini-1.5-pro", "use a dated snapshot"),  # a vendor prefix is not a host
    ("ollama/llama3.1:70b", "ollama can change"),
]


@pytest.mark.parametrize(("ref", "hint"), HINTS, ids=str)
def test_pin_hint_can_be_followed(registry: ModelRegistry, ref: Any, hint: str) -> None:
    info = registry.resolve(ref)
    assert not info.pinned
    assert hint in info.pin_hint


def test_routed_ids_never_get_a_hub_hint(registry: ModelRegistry) -> None:
    for ref in ("openai/gpt-4o", "azure/gpt-4o", "openrouter/openai/gpt-4o", "bedrock/x.y"):
        assert "revision" not in registry.resolve(ref).pin_hint, ref


def test_pinned_models_have_no_hint(registry: ModelRegistry) -> None:
    assert registry.resolve("gpt-4o-2024-08-06").pin_hint == ""
    assert registry.resolve({"id": "Qwen/Qwen2.5-7B-Instruct", "revision": SHA}).pin_hint == ""


def test_abbreviated_sha_is_named(registry: ModelRegistry) -> None:
    info = registry.resolve({"id": "Qwen/Qwen2.5-7B-Instruct", "revision": "a09a3545"})
    assert (info.pinned, "abbreviated sha" in info.pin_reason) == (False, True)


def test_fine_tune_keeps_its_base(registry: ModelRegistry) -> None:
    info = registry.resolve("ft:gpt-4o-mini-2024-07-18:acme::abc123")
    assert info.fine_tune_of == "gpt-4o-mini-2024-07-18"
    assert info.lineage == registry.resolve("gpt-4o").lineage


def test_lifecycle_dates_come_with_their_source(registry: ModelRegistry) -> None:
    info = registry.resolve("chatgpt-4o-latest")
    assert (info.deprecated_on, info.retired_on) == ("2025-11-18", "2026-02-17")
    assert info.lifecycle_source.startswith("https://")
    for entry in registry.entries:
        if entry.retired_on or entry.deprecated_on:
            assert entry.lifecycle_source.startswith("https://"), entry.patterns[0].pattern
            assert (
                not entry.deprecated_on
                or not entry.retired_on
                or (entry.deprecated_on <= entry.retired_on)
            )


def test_route_terms_replace_the_provider_api_terms(registry: ModelRegistry) -> None:
    direct = registry.resolve("mistral-large-2402")
    routed = registry.resolve("bedrock/mistral.mistral-large-2402-v1:0")
    assert (direct.terms.id, routed.terms.id) == ("mistral-api", "aws-bedrock")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- synthgov models


def test_models_command_explains_a_verdict(tmp_path: Any) -> None:
    from tests.conftest import run_cli

    proc = run_cli("models", "openai/gpt-4o", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "read as:    gpt-4o (via openai)" in out
    assert "NOT pinned: moving alias (alias of gpt-4o-2024-08-06)" in out
    assert "to pin:     use the snapshot openai/gpt-4o-2024-08-06" in out
    assert (
        "source: https://openai.com/policies/services-agreement/ (read 2026-12-05, reported)" in out
    )


def test_models_command_lists_and_emits_json(tmp_path: Any) -> None:
    import json

    from tests.conftest import run_cli

    listing = run_cli("models", cwd=tmp_path)
    assert listing.returncode == 0 and "registry entries" in listing.stdout
    proc = run_cli(
        "models", "nvidia/Llama-3_3-Nemotron-Super-49B-v1", "--format", "json", cwd=tmp_path
    )
    data = json.loads(proc.stdout)
    assert data["resolved"]["family"] == "nemotron"
    assert data["resolved"]["terms"]["id"] == "llama-3.3"
    assert data["entries"] and all("match" in e for e in data["entries"])
    again = run_cli(
        "models", "nvidia/Llama-3_3-Nemotron-Super-49B-v1", "--format", "json", cwd=tmp_path
    )
    assert again.stdout == proc.stdout  # deterministic


def test_models_command_fails_closed(tmp_path: Any) -> None:
    from tests.conftest import run_cli

    (tmp_path / "synthgov.yaml").write_text(
        "models:\n  - {match: ['x'], family: nope, terms: missing}\n"
    )
    proc = run_cli("models", "x", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("synthgov: error:") and "Traceback" not in proc.stderr
    assert run_cli("models", " ", cwd=tmp_path / "..").returncode == 2
