import os

import numpy as np

from backqa.encoders.identity import MODEL_NAME, model_dir, model_identity


def test_model_ships_in_the_package_and_loads_offline(real_encoder) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert (model_dir() / "model.safetensors").is_file()
    identity = real_encoder.identity
    assert identity.name == MODEL_NAME and identity.dimensions == 384
    assert identity == model_identity(384, identity.max_seq_length)
    assert identity.key.startswith(MODEL_NAME + "@")


def test_vectors_are_normalised_and_meaningful(real_encoder) -> None:
    vectors = real_encoder.encode(["lower back pain after running",
                                   "my lumbar spine aches when I jog",
                                   "how to bake sourdough bread"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert real_encoder.encode([]).shape == (0, 384)
