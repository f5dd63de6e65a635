#include <cstdio>
int main() { std::puts("sparkify: under construction"); return 0; }
