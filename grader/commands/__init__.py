"""One module per `grader` verb; `grader.cli` discovers them."""
