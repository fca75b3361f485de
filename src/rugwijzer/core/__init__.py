"""The pure core: intake model, condition language, knowledge model, engine and explanations.

Nothing in here reads files, the clock or the network.
"""
