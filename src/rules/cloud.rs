//! Cloud platforms: AWS, Google Cloud, Azure, DigitalOcean.

use super::{Rule, MOVE_TO_SERVER};
use crate::rule;

/// Cloud rules.
pub const RULES: &[Rule] = &[
    rule! {
        id: "aws-access-key-id", provider: "AWS", title: "AWS access key ID", kind: Identifier,
        severity: Warning, keywords: &["akia", "asia", "abia", "acca"],
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b", prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Names an IAM access key; with its secret access key it signs AWS API requests.",
        remedy: "Find where the matching secret access key went: if it shipped too, deactivate the key in IAM. Browsers should get temporary credentials from Cognito or a backend, never a long-term key.",
        examples: &["AKIA5HGAZYXDOWG7M6RX", "ASIACHO222VKFVOM3BJL"],
        negatives: &["AKIAIOSFODNN7EXAMPLE", "AKIA5HGAZYXDOWG7M6R", "akia5hgazyxdowg7m6rx"],
    },
    rule! {
        id: "aws-secret-access-key", provider: "AWS", title: "AWS secret access key", kind: Secret,
        severity: Error, keywords: &[],
        pattern: r"(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{40})(?:$|[^A-Za-z0-9+/=])", prefixes: &[],
        min_randomness: 0.8, validator: None,
        context: Some(r"aws.?secret|secret.?access.?key|aws.?key"),
        allows: "Signs AWS API requests as the IAM user or role it belongs to: full use of every permission that identity has.",
        remedy: "Deactivate and delete the key in IAM now, review CloudTrail for its use, and give the browser temporary, scoped credentials (Cognito identity pools or a backend-signed URL) instead.",
        examples: &["awsSecretAccessKey=WWHNCCI8VAhyDkjlmUoaYaLZVPvfCnABW1Z9gVPg"],
        negatives: &["awsSecretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "title=WWHNCCI8VAhyDkjlmUoaYaLZVPvfCnABW1Z9gVPg", "awsSecretAccessKey=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
    },
    rule! {
        id: "google-api-key", provider: "Google", title: "Google API key", kind: Identifier,
        severity: Warning, keywords: &["aiza"],
        pattern: r"\b(AIza[0-9A-Za-z_\-]{35})(?:$|[^0-9A-Za-z_\-])", prefixes: &["AIza"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Calls every Google API enabled for its project, billed to that project, unless the key is restricted.",
        remedy: "Restrict the key by HTTP referrer and to the APIs the page needs in the Google Cloud console; if it is meant for server use (Gemini, Places web service), rotate it and move the calls to a backend.",
        examples: &["AIzaSujhcSvxRmdq48veoDhnLrP7iFy3N1CgEsh"],
        negatives: &["AIzaSujhcSvxRmdq48veoDhnLrP7iFy3N1CgEs", "AIzaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "google-oauth-client-secret", provider: "Google", title: "Google OAuth client secret", kind: Secret,
        severity: Error, keywords: &["gocspx-"],
        pattern: r"\b(GOCSPX-[A-Za-z0-9_\-]{28})(?:$|[^A-Za-z0-9_\-])", prefixes: &["GOCSPX-"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Lets anyone act as your OAuth client: exchange authorization codes and refresh tokens for your users' access tokens.",
        remedy: "Reset the client secret in the Google Cloud console and keep the code exchange on a server; browser apps use the PKCE flow without a secret.",
        examples: &["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"],
        negatives: &["GOCSPX-VlM9YxUUMWqBEqw1xPyHj10Zqc"],
    },
    rule! {
        id: "azure-storage-connection-string", provider: "Azure", title: "Azure Storage connection string with account key", kind: Secret,
        severity: Error, keywords: &["accountkey="],
        pattern: r"(?i:AccountKey)=([A-Za-z0-9+/]{86}==)", prefixes: &[],
        min_randomness: 0.7, validator: None, context: None,
        allows: "Full control of the storage account: read, write and delete every blob, queue and table.",
        remedy: "Rotate the storage account key in the Azure portal and give browsers short-lived SAS URLs minted by a backend.",
        examples: &["DefaultEndpointsProtocol=https;AccountName=fakestoremxnrp;AccountKey=aJP+Ce3QOC5B7CiKDahjRSN3nDRDX0BkCCCXyTJ4t0cVVQyNnLkSL+hECbGLcxgcA+1atuhJAdh+R4Udhus0fg==;EndpointSuffix=core.windows.net"],
        negatives: &["DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=;"],
    },
    rule! {
        id: "digitalocean-token", provider: "DigitalOcean", title: "DigitalOcean API token", kind: Secret,
        severity: Error, keywords: &["dop_v1_", "doo_v1_", "dor_v1_"],
        pattern: r"\b((?:dop|doo|dor)_v1_[a-f0-9]{64})\b", prefixes: &["dop_v1_", "doo_v1_", "dor_v1_"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Manages the team's droplets, databases, DNS and billing through the DigitalOcean API.",
        remedy: MOVE_TO_SERVER,
        examples: &["dop_v1_21e255b98f0b241e32c44995271e6733ed88580ec4e458880ddb674f919f5c2b"],
        negatives: &["dop_v1_21e255b98f0b241e32c44995271e6733"],
    },
];
