"""Training runs: experiments, datasets, models, and the loop that streams metric events.

Headless: nothing here imports textual. The modules a viewer needs (`events`, `registry`,
`client`, `state`, `chart`) do not import torch either; only the run process
(`python -m tutor.training.run`) and the experiment modules it loads do.
"""
