"""digits_lenet's data is drawn while the run process imports torch, and kept for the next run:
the images drawn ahead or read back are the images a plain drawing gives, a call nobody asked
ahead for still draws its own, and a damaged cache is drawn again."""

from __future__ import annotations

import numpy as np

from tutor.training import digits


def test_drawn_ahead_is_drawn_the_same():
    plain_x, plain_y = digits.make_digits(300, 5, noise=0.1)
    digits.draw_ahead(300, 5, noise=0.1)
    assert (300, 5, 0.1, 0.035) in digits._AHEAD
    ahead_x, ahead_y = digits.make_digits(300, 5, noise=0.1)
    assert (300, 5, 0.1, 0.035) not in digits._AHEAD  # taken, not kept
    np.testing.assert_array_equal(ahead_x, plain_x)
    np.testing.assert_array_equal(ahead_y, plain_y)


def test_prefetch_draws_what_the_experiment_asks_for():
    """After digits_lenet has run with its prefetch, nothing drawn ahead is left unused: the
    prefetch asks for exactly the sets the experiment's build draws."""
    from tutor.training.run import run_inline

    digits._AHEAD.clear()
    digits.prefetch_lenet({"train_size": 200, "val_size": 100, "noise": 0.12}, 3)
    assert len(digits._AHEAD) == 2
    end = run_inline(["digits_lenet", "--seed", "3", "--steps", "1", "--epochs", "1",
                      "--set", "train_size=200", "--set", "val_size=100"], lambda event: None)
    assert end.status == "finished"
    assert digits._AHEAD == {}


def test_a_drawn_set_is_kept_read_back_the_same_and_redrawn_when_damaged(isolated_home):
    path = digits.cache_path(120, 9, 0.1, 0.035)
    assert str(path).startswith(str(isolated_home))  # the learner's DLTUTOR_HOME, not ~
    fresh = digits._make_digits(120, 9, noise=0.1, jitter=0.035)
    x, y = digits.make_digits(120, 9, noise=0.1)
    assert path.is_file()
    kept_x, kept_y = digits.make_digits(120, 9, noise=0.1)  # read back
    for got_x, got_y in ((x, y), (kept_x, kept_y)):
        np.testing.assert_array_equal(got_x, fresh[0])
        np.testing.assert_array_equal(got_y, fresh[1])
    path.write_bytes(b"not a zip file")
    again_x, _ = digits.make_digits(120, 9, noise=0.1)
    np.testing.assert_array_equal(again_x, fresh[0])
    with np.load(path) as saved:  # and kept again, whole
        assert saved["images"].shape == (120, 1, 28, 28)
