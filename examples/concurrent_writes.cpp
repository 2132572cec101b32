int main() { return 1; } // written with the MVCC engine
