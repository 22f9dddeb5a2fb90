//! AI and ML APIs: OpenAI, Anthropic, Hugging Face.

use super::{Rule, MOVE_TO_SERVER};
use crate::rule;

/// AI rules.
pub const RULES: &[Rule] = &[
    rule! {
        id: "openai-api-key", provider: "OpenAI", title: "OpenAI API key", kind: Secret,
        severity: Error, keywords: &["t3blbkfj"],
        pattern: r"\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200})(?:$|[^A-Za-z0-9_\-])",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Spends the organisation's OpenAI credits and reads its files, assistants and fine-tunes.",
        remedy: MOVE_TO_SERVER,
        examples: &[
            "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",
            "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",
        ],
        negatives: &["sk-proj-T3BlbkFJ", "sk-Zv43FnEEBl91VQAJVPmAkVIIgHg8VA5Rj1Vzlaon"],
    },
    rule! {
        id: "anthropic-api-key", provider: "Anthropic", title: "Anthropic API key", kind: Secret,
        severity: Error, keywords: &["sk-ant-"],
        pattern: r"\b(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,120}AA)(?:$|[^A-Za-z0-9_\-])",
        prefixes: &["sk-ant-api03-", "sk-ant-admin01-", "sk-ant-"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Spends the workspace's Claude API credits; admin keys also manage the organisation.",
        remedy: MOVE_TO_SERVER,
        examples: &[
            "sk-ant-api03-kERQCLpeX54e8eWuT9IbVohR2jEkxVUpD6_PBs-LAyEFrrqOZuRBo8H7KpghCWZTjOhHQEten2BFLfko3VlxJZ_NpANyaAA",
            "sk-ant-admin01-x2R64pVKJo-rT14FcL-HaxHekDV5OGDGEcIzzOLWON8oc11J8Ir8KKJtW7NLQNWRmfjvakbXjdJ5VTqGSjlaZ-aOQ2UFBAA",
        ],
        negatives: &["sk-ant-api03-short"],
    },
    rule! {
        id: "huggingface-token", provider: "Hugging Face", title: "Hugging Face access token", kind: Secret,
        severity: Error, keywords: &["hf_"],
        pattern: r"\b(hf_[A-Za-z]{34})\b", prefixes: &["hf_"],
        min_randomness: 0.7, validator: None, context: None,
        allows: "Reads (and with write scope, pushes to) the account's private models, datasets and Spaces, and spends its inference credits.",
        remedy: MOVE_TO_SERVER,
        examples: &["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"],
        negatives: &["hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "hf_BZNIdzsBphDpOtDkBLwwapcgJtUROkN"],
    },
];
