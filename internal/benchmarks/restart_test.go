package benchmarks

const childEnv = "LTB_BENCHMARKS_CHILD"

func runChild() int { return 0 }
