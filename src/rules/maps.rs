//! Maps and location: Google Maps (an outcome of the Google API key rule), Mapbox (with the data
//! rules), HERE, TomTom, MapTiler, Bing Maps, Esri ArcGIS, Radar, LocationIQ, Geoapify, OpenCage.
//! Most map keys are meant for browsers: they are publishable, and what matters is restricting
//! them to your domains.

use super::Rule;
use crate::rule;

/// Maps rules.
pub const RULES: &[Rule] = &[
    rule! {
        id: "google-maps-api-key", provider: "Google Maps", title: "Google Maps Platform API key", kind: Publishable,
        severity: Info, keywords: &[], pattern: "", prefixes: &["AIza"],
        min_randomness: 0.0, validator: GoogleApiKey, context: Some(r"maps|places|geocod"),
        allows: "Meant for the browser: the Maps JavaScript API loads with it, billed to the project.",
        remedy: "Nothing to rotate, but restrict it now: HTTP-referrer restrictions to your domains and an API restriction to the Maps APIs the page uses, so others cannot bill you.",
        examples: &["googleMapsApiKey=AIzanf1OgUnn9x6WbIQkLrtKWQsVUOA5XE3Wy6l"], negatives: &[],
    },
    rule! {
        id: "here-api-key", provider: "HERE", title: "HERE platform API key", kind: Publishable,
        severity: Info, keywords: &[],
        pattern: r#"(?:^|[^A-Za-z0-9_\-])([A-Za-z0-9_\-]{43})(?:$|[^A-Za-z0-9_\-])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"here.?(maps?.?)?(api.?)?key|here.?apikey"),
        allows: "Meant for client apps: maps, routing and geocoding billed to the HERE project.",
        remedy: "Nothing to rotate, but restrict the key to your domains in the HERE platform portal.",
        examples: &["HERE_API_KEY=iZmkpLqnutSVb86B8O5_W6E6Cq4AUxW1Y98qaaWTfob"], negatives: &["title=f3fPCQG52Mi-upULW24gjZFJVVNhlek_5g9YfYHNjey", "HERE_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "tomtom-api-key", provider: "TomTom", title: "TomTom API key", kind: Publishable,
        severity: Info, keywords: &[],
        pattern: r#"(?:^|[^A-Za-z0-9])([A-Za-z0-9]{32})(?:$|[^A-Za-z0-9])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"tomtom"),
        allows: "Meant for client apps: maps and search billed to the account.",
        remedy: "Nothing to rotate, but set domain whitelisting for the key in the TomTom developer portal.",
        examples: &["TOMTOM_API_KEY=9FNCssBdw6O2ItFjsMIZkZZHSWHojRqi"], negatives: &["title=CBgbHywHODrm2JFqTN5qh5UkpBrg5bFF", "TOMTOM_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "maptiler-api-key", provider: "MapTiler", title: "MapTiler API key", kind: Publishable,
        severity: Info, keywords: &[],
        pattern: r#"(?:^|[^A-Za-z0-9])([A-Za-z0-9]{20})(?:$|[^A-Za-z0-9])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"maptiler"),
        allows: "Meant for the browser: loads MapTiler tiles and styles billed to the account.",
        remedy: "Nothing to rotate, but restrict the key to your origins in MapTiler Cloud.",
        examples: &["MAPTILER_KEY=nns86J0NHglgPWA6dEbH"], negatives: &["title=HGkIeBYggTeZ9EpX3m7u", "MAPTILER_KEY=xxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "bing-maps-key", provider: "Microsoft", title: "Bing Maps key", kind: Publishable,
        severity: Info, keywords: &[],
        pattern: r#"(?:^|[^A-Za-z0-9_\-])([A-Za-z0-9_\-]{64})(?:$|[^A-Za-z0-9_\-])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"bing.?maps?|virtual.?earth"),
        allows: "Meant for client apps: loads Bing Maps billed to the account.",
        remedy: "Nothing to rotate, but restrict the key by referrer in the Bing Maps Dev Center.",
        examples: &["BING_MAPS_KEY=HOtmETCyG-5j1sriDww84_tOkF824aBG6kdlYHzyjJWm3lxINBMxZOfq6LGxDXGe"], negatives: &["title=mfGES_ppO8bupiz_8Vfwk8aVZRScWS1J0Ki1bSdMhEPWqZTB7Prz30c9mpbrVveF", "BING_MAPS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "esri-arcgis-api-key", provider: "Esri", title: "ArcGIS API key", kind: Publishable,
        severity: Info, keywords: &["aapk", "aapt", "aatk"],
        pattern: r#"\b(AA(?:PK|PT|TK)[A-Za-z0-9_\-]{80,400})(?:$|[^A-Za-z0-9_\-])"#, prefixes: &["AAPK", "AAPT", "AATK"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Meant for client apps with referrer limits: location services billed to the ArcGIS account.",
        remedy: "Nothing to rotate, but set referrer restrictions and only the privileges the app needs on the developer credential.",
        examples: &["AAPKQU5rupqEHMfhO_GSd5p-oPFRD-v76HzLO7lJnIjbL1Fji2NeH3NjbCEye6OBPO6wnldY2ROGk5aSA5QG65Li4qrLLa1rY6JNdf0M"], negatives: &["AAPKsEaq1p", "AAPKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "radar-secret-key", provider: "Radar", title: "Radar secret key", kind: Secret,
        severity: Error, keywords: &["prj_live_sk_", "prj_test_sk_"],
        pattern: r#"\b(prj_(?:live|test)_sk_[a-f0-9]{40})\b"#, prefixes: &["prj_live_sk_", "prj_test_sk_"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Reads every user's location history and manages the Radar project.",
        remedy: "Rotate the secret key in the Radar dashboard (Settings) and use it only on a server; browsers use the publishable key.",
        examples: &["prj_test_sk_6898f70a4bfba3f874da2c344e7576a0ad8c68f8"], negatives: &["prj_test_sk_58d96a", "prj_test_sk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "radar-publishable-key", provider: "Radar", title: "Radar publishable key", kind: Publishable,
        severity: Info, keywords: &["prj_live_pk_", "prj_test_pk_"],
        pattern: r#"\b(prj_(?:live|test)_pk_[a-f0-9]{40})\b"#, prefixes: &["prj_live_pk_", "prj_test_pk_"],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Public by design: the web SDK tracks and geocodes for the current user with it.",
        remedy: "Nothing to rotate.",
        examples: &["prj_test_pk_6f6bd2f8001fde0dc241938fbc645e53bb3be8dd"], negatives: &["prj_live_pk_58abb4", "prj_live_pk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "locationiq-access-token", provider: "LocationIQ", title: "LocationIQ access token", kind: Publishable,
        severity: Info, keywords: &["pk."],
        pattern: r#"\b(pk\.[a-f0-9]{32})\b"#, prefixes: &["pk."],
        min_randomness: 0.6, validator: None, context: None,
        allows: "Meant for client apps: maps and geocoding billed to the account.",
        remedy: "Nothing to rotate, but restrict the token to your HTTP referrers in the LocationIQ dashboard.",
        examples: &["pk.d3b320dfca4a27ddac8ecd90079e5fb6"], negatives: &["pk.2dfb0a", "pk.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "geoapify-api-key", provider: "Geoapify", title: "Geoapify API key", kind: Publishable,
        severity: Info, keywords: &[],
        pattern: r#"(?:^|[^a-f0-9])([a-f0-9]{32})(?:$|[^a-f0-9])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"geoapify"),
        allows: "Meant for client apps: maps and geocoding billed to the project.",
        remedy: "Nothing to rotate, but restrict the key to your domains in the Geoapify console.",
        examples: &["GEOAPIFY_API_KEY=f100374f77403cb334e61c48701a0392"], negatives: &["title=26bd5306fc351e46224e15304a6f1868", "GEOAPIFY_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    rule! {
        id: "opencage-api-key", provider: "OpenCage", title: "OpenCage geocoding API key", kind: Secret,
        severity: Warning, keywords: &[],
        pattern: r#"(?:^|[^a-f0-9])([a-f0-9]{32})(?:$|[^a-f0-9])"#, prefixes: &[],
        min_randomness: 0.75, validator: None, context: Some(r"opencage"),
        allows: "Geocodes on the account's quota.",
        remedy: "Reset the key in the OpenCage dashboard and geocode from a server, or accept quota theft.",
        examples: &["OPENCAGE_API_KEY=2a176094074ef0955d9f433010e3acc8"], negatives: &["title=8939e7b0de40758abf0e5f8d91ddc92f", "OPENCAGE_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
];
