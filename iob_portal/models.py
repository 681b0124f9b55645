# No models: this app wires the others together (post_migrate needs a models module to fire).
