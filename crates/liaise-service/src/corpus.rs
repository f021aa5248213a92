//! Synthetic search entries of kind `document`, to measure search at scale: about 5 KB of
//! English or French text each, spread over topics, bodies, organizations, years and access
//! levels. Repeatable from a seed, without a dependency.
//!
//! The text follows the shape of real writing rather than a flat draw from a short list:
//! - words are drawn by Zipf's law (the word of rank r about 1/r as often as the commonest)
//!   over a vocabulary of [`TAIL_WORDS`] made-up words per language plus the lists below;
//! - the function words ("the", "de") hold the first ranks and so appear in every document;
//!   the domain words ("postal", "blockchain", "remittance") are spread over ranks 60 to a few
//!   thousand, as in a corpus of standards documents;
//! - each document is about one topic, and the domain words of that topic's cluster make up
//!   [`TOPICAL_SHARE`] of its words (a document on blockchains says "blockchain" often, most
//!   documents never do).
//!
//! So a common domain word matches a large share of the documents, a specific one a few
//! percent, and a made-up tail word a handful: the spread a search index meets in practice.

use liaise_store::queries::search::SearchEntry;

use crate::snapshot::Snapshot;

const ENGLISH: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "on",
    "with",
    "by",
    "that",
    "is",
    "are",
    "be",
    "as",
    "this",
    "from",
    "at",
    "or",
    "which",
    "its",
    "study",
    "group",
    "postal",
    "services",
    "service",
    "telecommunication",
    "quality",
    "experience",
    "network",
    "operators",
    "digital",
    "financial",
    "inclusion",
    "payment",
    "mobile",
    "remittance",
    "cost",
    "security",
    "electronic",
    "standard",
    "recommendation",
    "question",
    "meeting",
    "report",
    "liaison",
    "statement",
    "council",
    "committee",
    "members",
    "secretariat",
    "collaboration",
    "resolution",
    "proposal",
    "amendment",
    "draft",
    "text",
    "annex",
    "measurement",
    "indicator",
    "performance",
    "customer",
    "delivery",
    "parcel",
    "address",
    "identifier",
    "blockchain",
    "artificial",
    "intelligence",
    "metaverse",
    "smart",
    "cities",
    "communities",
    "disaster",
    "risk",
    "management",
    "environment",
    "circular",
    "economy",
    "policy",
    "economic",
    "issues",
    "emerging",
    "technologies",
    "joint",
    "working",
    "coordination",
    "workshop",
    "event",
    "participation",
    "reciprocal",
    "assembly",
    "plenary",
    "rapporteur",
    "chair",
    "contribution",
    "document",
    "version",
    "agenda",
    "minutes",
    "action",
    "deadline",
    "reply",
    "comment",
    "information",
    "approved",
    "revised",
    "framework",
    "architecture",
    "interoperability",
    "protocol",
    "interface",
    "data",
    "privacy",
    "trust",
    "identity",
    "authentication",
    "fraud",
    "consumer",
    "protection",
    "regulation",
    "market",
    "tariff",
    "accounting",
    "settlement",
    "cross",
    "border",
    "ecommerce",
    "logistics",
    "tracking",
    "sensor",
    "internet",
    "things",
    "broadband",
    "access",
    "rural",
    "areas",
    "developing",
    "countries",
    "capacity",
    "building",
    "training",
    "guidelines",
    "best",
    "practices",
    "lessons",
    "learned",
    "project",
    "pilot",
    "evaluation",
    "survey",
    "results",
    "analysis",
    "benchmark",
    "latency",
    "throughput",
    "availability",
    "reliability",
    "energy",
    "efficiency",
    "emissions",
    "waste",
    "recycling",
    "sustainable",
    "development",
    "goals",
    "universal",
    "obligation",
];

const FRENCH: &[&str] = &[
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "et",
    "en",
    "pour",
    "sur",
    "avec",
    "par",
    "que",
    "qui",
    "est",
    "sont",
    "une",
    "un",
    "dans",
    "au",
    "aux",
    "commission",
    "études",
    "services",
    "service",
    "postaux",
    "télécommunications",
    "qualité",
    "expérience",
    "réseau",
    "opérateurs",
    "numérique",
    "financière",
    "inclusion",
    "paiement",
    "mobile",
    "transferts",
    "coût",
    "sécurité",
    "électronique",
    "norme",
    "recommandation",
    "question",
    "réunion",
    "rapport",
    "déclaration",
    "liaison",
    "conseil",
    "comité",
    "membres",
    "secrétariat",
    "collaboration",
    "résolution",
    "proposition",
    "amendement",
    "projet",
    "texte",
    "annexe",
    "mesure",
    "indicateur",
    "performance",
    "client",
    "distribution",
    "colis",
    "adresse",
    "identifiant",
    "chaîne",
    "blocs",
    "intelligence",
    "artificielle",
    "métavers",
    "villes",
    "intelligentes",
    "communautés",
    "catastrophes",
    "risques",
    "gestion",
    "environnement",
    "économie",
    "circulaire",
    "politique",
    "économiques",
    "questions",
    "technologies",
    "émergentes",
    "groupe",
    "travail",
    "commun",
    "coordination",
    "atelier",
    "événement",
    "participation",
    "réciproque",
    "assemblée",
    "plénière",
    "rapporteur",
    "président",
    "contribution",
    "document",
    "version",
    "ordre",
    "jour",
    "procès",
    "verbal",
    "délai",
    "réponse",
    "commentaire",
    "approuvé",
    "révisé",
    "cadre",
    "architecture",
    "interopérabilité",
    "protocole",
    "interface",
    "données",
    "confidentialité",
    "confiance",
    "identité",
    "authentification",
    "fraude",
    "consommateur",
    "protection",
    "réglementation",
    "marché",
    "tarif",
    "comptabilité",
    "règlement",
    "transfrontalier",
    "commerce",
    "logistique",
    "suivi",
    "capteur",
    "internet",
    "objets",
    "haut",
    "débit",
    "accès",
    "zones",
    "rurales",
    "pays",
    "développement",
    "renforcement",
    "capacités",
    "formation",
    "lignes",
    "directrices",
    "bonnes",
    "pratiques",
    "enseignements",
    "tirés",
    "pilote",
    "évaluation",
    "enquête",
    "résultats",
    "analyse",
    "latence",
    "crédit",
    "disponibilité",
    "fiabilité",
    "énergie",
    "efficacité",
    "émissions",
    "déchets",
    "recyclage",
    "durable",
    "objectifs",
    "universel",
    "obligation",
];

/// Made-up words per language after the listed ones: the long tail of rare words (names,
/// numbers, technical terms) real text has.
pub(crate) const TAIL_WORDS: usize = 30_000;
/// The share of a document's words drawn from its topic's cluster of domain words.
const TOPICAL_SHARE: f64 = 0.08;
/// How many function words open each list.
const FUNCTION_WORDS: usize = 20;
/// Domain words are split into this many topic clusters.
const CLUSTERS: usize = 12;
/// The rank of the first domain word, and the step between two of them.
const DOMAIN_FIRST_RANK: usize = 60;
const DOMAIN_RANK_STEP: usize = 23;

/// Syllables the made-up words are built from.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ru", "te", "san", "vel", "dor", "pi", "ne", "gar", "tu", "fo", "lin", "mar",
    "si", "qua", "ber", "zo", "hel", "cri", "ost", "ven", "da", "plo", "rin", "sta", "mu", "tra",
    "gel", "bo", "nix", "pra", "sul", "wen", "yo", "chi", "mor", "vas", "ti",
];

/// The made-up word number `i`: three or more syllables, distinct for each `i`.
fn tail_word(mut i: usize) -> String {
    let mut w = String::new();
    for _ in 0..3 {
        w.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    while i > 0 {
        w.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    w
}

/// One language's vocabulary in rank order, its Zipf table, and its topic clusters.
struct Language {
    words: Vec<String>,
    /// Cumulative probability of ranks 1..=n.
    cumulative: Vec<f64>,
    clusters: Vec<Vec<usize>>,
}

impl Language {
    fn new(list: &[&str]) -> Self {
        let (function, domain) = list.split_at(FUNCTION_WORDS.min(list.len()));
        let mut words: Vec<String> = function.iter().map(|w| (*w).to_owned()).collect();
        // Made-up words that happen to be listed ("pilote") are skipped.
        let listed: std::collections::HashSet<&str> =
            ENGLISH.iter().chain(FRENCH).copied().collect();
        let mut tail = (0..)
            .map(tail_word)
            .filter(|w| !listed.contains(w.as_str()))
            .take(TAIL_WORDS);
        let mut domain_ranks = Vec::with_capacity(domain.len());
        for (i, w) in domain.iter().enumerate() {
            let rank = DOMAIN_FIRST_RANK + i * DOMAIN_RANK_STEP;
            while words.len() < rank {
                words.extend(tail.next());
            }
            domain_ranks.push(words.len());
            words.push((*w).to_owned());
        }
        words.extend(tail);
        let mut cumulative = Vec::with_capacity(words.len());
        let mut sum = 0.0;
        for r in 1..=words.len() {
            sum += 1.0 / r as f64;
            cumulative.push(sum);
        }
        for c in &mut cumulative {
            *c /= sum;
        }
        let mut clusters = vec![Vec::new(); CLUSTERS];
        for (i, r) in domain_ranks.into_iter().enumerate() {
            clusters[i % CLUSTERS].push(r);
        }
        clusters.retain(|c| !c.is_empty());
        Self {
            words,
            cumulative,
            clusters,
        }
    }

    /// The word whose cumulative probability first reaches `u` (in [0, 1)).
    fn zipf(&self, u: f64) -> &str {
        let i = self
            .cumulative
            .partition_point(|c| *c < u)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

/// A repeatable generator of synthetic documents.
pub(crate) struct Corpus {
    state: u64,
    bodies: Vec<(String, Vec<String>)>,
    topics: Vec<String>,
    english: Language,
    french: Language,
}

impl Corpus {
    pub(crate) fn new(snap: &Snapshot, seed: u64) -> Self {
        Self {
            state: seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1),
            bodies: snap
                .bodies
                .iter()
                .map(|b| (b.code.clone(), b.organizations.clone()))
                .collect(),
            topics: snap.topics.iter().map(|t| t.slug.clone()).collect(),
            english: Language::new(ENGLISH),
            french: Language::new(FRENCH),
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self
            .state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.state >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000_007) as f64 / 1_000_000_007.0
    }

    /// `count` words of `lang`, a `topical` share of them from `cluster`, with a full stop
    /// every 17 words.
    fn words(&mut self, french: bool, cluster: usize, count: usize, topical: f64) -> String {
        let mut out = String::with_capacity(count * 8);
        for i in 0..count {
            if i > 0 {
                out.push_str(if i % 17 == 0 { ". " } else { " " });
            }
            let (u, v) = (self.unit(), self.unit());
            let lang = if french { &self.french } else { &self.english };
            let c = &lang.clusters[cluster % lang.clusters.len()];
            let word = if u < topical {
                let k = ((v * c.len() as f64) as usize).min(c.len() - 1);
                &lang.words[c[k]]
            } else {
                lang.zipf(v)
            };
            out.push_str(word);
        }
        out
    }

    /// The `i`-th document.
    pub(crate) fn entry(&mut self, i: u64) -> SearchEntry {
        let french = self.below(3) == 0;
        let topic = self.below(self.topics.len().max(CLUSTERS));
        let title_words = 6 + self.below(6);
        let title = self.words(french, topic, title_words, 0.5);
        let text_words = 650 + self.below(100);
        let text = self.words(french, topic, text_words, TOPICAL_SHARE);
        let (body, organizations) = if self.bodies.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let n = self.below(self.bodies.len());
            let (b, o) = self.bodies[n].clone();
            (vec![b], o)
        };
        let topics = match self.topics.get(topic) {
            Some(t) => vec![t.clone()],
            None => Vec::new(),
        };
        let access = ["public", "public", "public", "members"][self.below(4)];
        SearchEntry {
            kind: "document".into(),
            key: format!("generated-{i}"),
            title,
            text,
            url: format!("/documents/generated-{i}"),
            access: access.into(),
            owner_ids: Vec::new(),
            organizations,
            bodies: body,
            topics,
            year: Some(2015 + i32::try_from(self.below(12)).unwrap_or(0)),
            language: Some(if french { "fr" } else { "en" }.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_words_are_distinct_and_never_listed() {
        let words: std::collections::HashSet<String> = (0..TAIL_WORDS).map(tail_word).collect();
        assert_eq!(words.len(), TAIL_WORDS);
        for list in [ENGLISH, FRENCH] {
            let lang = Language::new(list);
            let vocabulary: std::collections::HashSet<&String> = lang.words.iter().collect();
            assert_eq!(vocabulary.len(), lang.words.len(), "a word has two ranks");
            assert_eq!(lang.words.len(), list.len() + TAIL_WORDS);
        }
    }

    #[test]
    fn words_follow_zipf_and_topics() {
        let lang = Language::new(ENGLISH);
        // The commonest word is drawn about twice as often as the second.
        let (mut first, mut second) = (0, 0);
        for k in 0..200_000 {
            let u = (f64::from(k) + 0.5) / 200_000.0;
            match lang.zipf(u) {
                w if w == lang.words[0] => first += 1,
                w if w == lang.words[1] => second += 1,
                _ => {}
            }
        }
        let ratio = f64::from(first) / f64::from(second);
        assert!((1.8..2.2).contains(&ratio), "{ratio}");
        // Domain words sit after the function words, in clusters.
        assert_eq!(lang.words[DOMAIN_FIRST_RANK], ENGLISH[FUNCTION_WORDS]);
        assert_eq!(lang.clusters.len(), CLUSTERS);
    }
}
