"""Facts a researcher spot check corrected in data/; each test keeps one correction in place."""

from rdflib import Literal, URIRef

AIG = "https://w3id.org/aigraph/ontology#"
ID = "https://w3id.org/aigraph/id/"


def _values(store, slug, prop):
    rows = store.select(f"SELECT ?v WHERE {{ <{ID}{slug}> <{AIG}{prop}> ?v }}").rows
    return {row["v"] for row in rows}


def test_hubert_repository_is_the_checkpoint_its_parameter_count_describes(full_store):
    # 964 million parameters is HuBERT X-Large; the Large checkpoint has about 317 million.
    assert _values(full_store, "hubert", "parameterCount") == {Literal(964000000)}
    assert _values(full_store, "hubert", "huggingFaceRepo") == {Literal("facebook/hubert-xlarge-ll60k")}


def test_deepseek_v3_separates_code_and_weights_licenses(full_store):
    assert _values(full_store, "deepseek-v3", "license") == {URIRef(ID + "deepseek-license")}
    assert _values(full_store, "deepseek-v3", "codeLicense") == {URIRef(ID + "mit")}
