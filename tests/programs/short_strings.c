/* Two five-byte strings, each followed by its NUL, passed to one function, as the newest bpftrace's
   testprogs/string_args: a script's `struct F { char s[5]; }` read over them sees the NUL after the field. */
void print(char *a, char *b)
{
    (void)a;
    (void)b;
}

int main(void)
{
    char sa[] = "hello";
    char sb[] = "world";
    print(sa, sb);
    return 0;
}
