# Sourced by ./build and ./trit4j: sets JAVA_HOME to a JDK 25+ without anyone exporting anything.
# Order: $TRIT4J_JAVA_HOME, then $JAVA_HOME if it is 25+, then the usual install folders.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1; }
find_jdk25() {
  local c
  for c in "${TRIT4J_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
           /usr/lib/jvm/*-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    local v; v=$(java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(find_jdk25); then
  echo "trit4j: no JDK 25 or newer found (looked at \$TRIT4J_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm). Install one, or point TRIT4J_JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
