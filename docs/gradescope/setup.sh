#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu, as root).
# Zip it with run_autograder, your set (hw2.toml), your pack folder (pack/) and secret_seed.txt,
# all at the top of the zip, and upload the zip as the assignment's autograder.
set -euo pipefail

apt-get update
apt-get install -y python3 python3-pip
python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install dltutor
