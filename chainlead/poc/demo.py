def demo_step(context: object) -> None:
    return None
