//! Source hosting and package registries: GitHub, GitLab, npm, PyPI.

use super::Rule;
use crate::rule;

/// Source-hosting rules.
pub const RULES: &[Rule] = &[
    rule! {
        id: "github-token", provider: "GitHub", title: "GitHub token", kind: Secret,
        severity: Error, keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b", prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        min_randomness: 0.0, validator: Crc32Base62, context: None,
        allows: "Acts as the user or app on GitHub with the token's scopes: private repositories, packages, workflows.",
        remedy: "Revoke the token in GitHub's settings (or let secret scanning revoke it) and call the GitHub API from a server with its own token.",
        examples: &["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", "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", "ghs_MVMj9jx5nMpygPyYFShchPva04XSAx3MhZPC"],
        negatives: &["ghp_V4hLXuik4B43XhpX4TVXPcWbtpTVs63XdpiQ", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "github-fine-grained-token", provider: "GitHub", title: "GitHub fine-grained personal access token", kind: Secret,
        severity: Error, keywords: &["github_pat_"],
        pattern: r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b", prefixes: &["github_pat_"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Acts as the user on the repositories and permissions the token was granted.",
        remedy: "Revoke the token in GitHub's developer settings and keep GitHub API calls on a server.",
        examples: &["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"],
        negatives: &["github_pat_O9D8oFcRESeqmnyi8LIjci"],
    },
    rule! {
        id: "gitlab-token", provider: "GitLab", title: "GitLab personal, project or group access token", kind: Secret,
        severity: Error, keywords: &["glpat-"],
        pattern: r"\b(glpat-[A-Za-z0-9_\-]{20,64}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)(?:$|[^A-Za-z0-9_\-])", prefixes: &["glpat-"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Acts on GitLab with the token's scopes: repositories, registries, CI variables.",
        remedy: "Revoke the token under Access Tokens in GitLab and call the API from a server.",
        examples: &["glpat-8AIJoxOqIOKz-90IsT_u"],
        negatives: &["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-8AIJoxOqIO"],
    },
    rule! {
        id: "npm-token", provider: "npm", title: "npm access token", kind: Secret,
        severity: Error, keywords: &["npm_"],
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b", prefixes: &["npm_"],
        min_randomness: 0.0, validator: Crc32Base62, context: None,
        allows: "Publishes and reads packages as the token's owner: a supply-chain compromise waiting to happen.",
        remedy: "Revoke the token on npmjs.com (Access Tokens) and never bundle registry credentials.",
        examples: &["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"],
        negatives: &["npm_7XApD0xH9dCFVRMVaQqI0OQo9wswXG2qmzzz"],
    },
    rule! {
        id: "pypi-token", provider: "PyPI", title: "PyPI API token", kind: Secret,
        severity: Error, keywords: &["pypi-ageichlwas5vcmc"],
        pattern: r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})", prefixes: &["pypi-AgEIcHlwaS5vcmc"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Uploads releases of the owner's PyPI projects.",
        remedy: "Remove the token in your PyPI account settings; publishing belongs in CI with trusted publishing.",
        examples: &["pypi-AgEIcHlwaS5vcmc7J_AoKHaCYVeiXubeRUjkIIkNcp4XwdrUnDAK9u1l0iRnWD_knTu_zabQPa_ICKkISrGrp"],
        negatives: &["pypi-AgEIcHlwaS5vcmc"],
    },
];
