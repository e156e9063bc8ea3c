package io.github.trit4j.nn;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trit4j model file (docs/MODEL_FORMAT.md): a safetensors container whose {@code __metadata__}
 * carries the architecture JSON ({@code trit4j.architecture}), the format version and the
 * provenance. This class is the container: it checks the safetensors structure (header length,
 * JSON, dtypes, shapes, byte ranges) and the metadata keys; {@link Network#of(ModelFile,
 * NetworkOptions)} checks the architecture against the tensors and builds the network.
 *
 * <p>Errors: a file whose content is malformed gives an {@link IllegalArgumentException} naming
 * the field or tensor at fault; {@link IOException} is only for the file system failing to
 * read or write. Immutable and thread-safe.
 */
public final class ModelFile {

    /** Metadata key of the format version, {@value #FORMAT_VERSION}. */
    public static final String FORMAT_KEY = "trit4j.format";
    /** The format version this reader understands. */
    public static final String FORMAT_VERSION = "1";
    /** Metadata key of the architecture JSON. */
    public static final String ARCHITECTURE_KEY = "trit4j.architecture";
    /** Metadata key of the accuracy PyTorch measured on the test set. */
    public static final String PYTORCH_ACCURACY_KEY = "trit4j.pytorch_accuracy";
    /**
     * Metadata key of the class names: a JSON array of {@code classes} strings, in class order
     * (optional; {@link Network#labels()}).
     */
    public static final String LABELS_KEY = "trit4j.labels";
    /** Metadata key of the free-form training record. */
    public static final String TRAINING_KEY = "trit4j.training";
    /** Larger headers are refused before being read (safetensors' own limit). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode architecture;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private ModelFile(JsonNode architecture, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.architecture = architecture;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * A model in memory, e.g. to {@link #write} it.
     *
     * @param architectureJson the architecture JSON
     * @param metadata         other {@code __metadata__} entries (format and architecture are set here)
     * @param tensors          the tensors, names unique
     * @return the model
     * @throws IllegalArgumentException if the JSON is malformed or a name repeats
     * @throws NullPointerException     if an argument or a tensor is null
     */
    public static ModelFile of(String architectureJson, Map<String, String> metadata, List<Tensor> tensors) {
        Objects.requireNonNull(architectureJson, "architectureJson");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(tensors, "tensors");
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT_VERSION);
        meta.put(ARCHITECTURE_KEY, architectureJson);
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t == null) {
                throw new NullPointerException("tensors[" + i + "]");
            }
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException("tensor " + t.name() + " appears twice");
            }
        }
        return new ModelFile(parseArchitecture(architectureJson), meta, map);
    }

    /** The architecture JSON, parsed. Do not modify it (a fresh copy: {@link #architectureJson()}). */
    JsonNode architecture() {
        return architecture;
    }

    /** {@return the architecture JSON as stored} */
    public String architectureJson() {
        return metadata.get(ARCHITECTURE_KEY);
    }

    /** {@return every {@code __metadata__} entry, unmodifiable} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@return the tensors by name, unmodifiable} */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** {@return the accuracy recorded by the exporter ({@value #PYTORCH_ACCURACY_KEY}), if present and a number} */
    public java.util.OptionalDouble pytorchAccuracy() {
        String s = metadata.get(PYTORCH_ACCURACY_KEY);
        if (s == null) {
            return java.util.OptionalDouble.empty();
        }
        try {
            return java.util.OptionalDouble.of(Double.parseDouble(s.trim()));
        } catch (NumberFormatException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    /**
     * Reads and checks a model file's container.
     *
     * @param file the model file
     * @return the model
     * @throws IllegalArgumentException naming the file once, then the field or tensor at fault:
     *                                  header length beyond the file, header not JSON or not an
     *                                  object, unknown dtype, bad shape, byte range outside the
     *                                  data, overlapping or of the wrong size, metadata missing or
     *                                  not strings, wrong format version, architecture not a JSON
     *                                  object
     * @throws IOException              if the file cannot be read (a directory included), or a
     *                                  {@link java.nio.channels.ClosedByInterruptException} if the
     *                                  calling thread is interrupted (the file is read through a
     *                                  {@link FileChannel}; the interrupt status stays set)
     */
    public static ModelFile read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "is a directory, not a model file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            MemorySegment whole = size < 8 ? MemorySegment.ofArray(new byte[(int) size])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(whole);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks a model file's bytes, as {@link #read(Path)} (for a model kept in memory,
     * a database or an archive).
     *
     * @param bytes the whole file; not retained
     * @return the model
     * @throws IllegalArgumentException naming the field or tensor at fault
     */
    public static ModelFile read(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return parse(MemorySegment.ofArray(bytes));
    }

    /**
     * Reads and checks a model file from a stream, to its end (not closed here), as
     * {@link #read(Path)}: e.g. a class-path resource or a download.
     *
     * @param in the file's bytes
     * @return the model
     * @throws IllegalArgumentException naming the field or tensor at fault
     * @throws IOException              if the stream fails
     */
    public static ModelFile read(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        return read(in.readAllBytes());
    }

    /** The container in {@code file}'s bytes; messages name no file (the callers that have one add it). */
    private static ModelFile parse(MemorySegment file) {
        long size = file.byteSize();
        if (size < 8) {
            throw new IllegalArgumentException(size + " bytes is too short for a safetensors file (8-byte header "
                    + "length first)");
        }
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 0 || headerLen > size - 8) {
            throw new IllegalArgumentException("header length " + Long.toUnsignedString(headerLen)
                    + " is beyond the file (" + size + " bytes, so at most " + (size - 8) + "); not a safetensors file?");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header length " + headerLen + " exceeds " + MAX_HEADER_BYTES + " bytes");
        }
        byte[] header = file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        long dataStart = 8 + headerLen;
        long dataLen = size - dataStart;
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the header is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the header is not a JSON object");
        }
        Map<String, String> metadata = readMetadata(root.get("__metadata__"));
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getKey().equals("__metadata__")) {
                entries.add(entry(e.getKey(), e.getValue(), dataLen));
            }
        }
        checkOverlaps(entries);
        String format = metadata.get(FORMAT_KEY);
        if (!FORMAT_VERSION.equals(format)) {
            throw new IllegalArgumentException("__metadata__." + FORMAT_KEY + " is "
                    + (format == null ? "missing" : "\"" + format + "\"") + "; this reader reads format \""
                    + FORMAT_VERSION + "\"");
        }
        String arch = metadata.get(ARCHITECTURE_KEY);
        if (arch == null) {
            throw new IllegalArgumentException("__metadata__." + ARCHITECTURE_KEY + " is missing");
        }
        JsonNode architecture = parseArchitecture(arch);
        MemorySegment data = file.asSlice(dataStart, dataLen);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, e.load(data));
        }
        return new ModelFile(architecture, metadata, tensors);
    }

    static JsonNode parseArchitecture(String json) {
        JsonNode arch;
        try {
            arch = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("__metadata__." + ARCHITECTURE_KEY + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (arch == null || !arch.isObject()) {
            throw new IllegalArgumentException("__metadata__." + ARCHITECTURE_KEY + " is not a JSON object");
        }
        return arch;
    }

    private static Map<String, String> readMetadata(JsonNode meta) {
        if (meta == null) {
            throw new IllegalArgumentException("the header has no __metadata__ (it must hold " + FORMAT_KEY + " and "
                    + ARCHITECTURE_KEY + ")");
        }
        if (!meta.isObject()) {
            throw new IllegalArgumentException("__metadata__ is not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : meta.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("__metadata__." + e.getKey() + " is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** A header entry, checked against the data length. */
    private record Entry(String name, Tensor.DType dtype, int[] shape, long begin, long end) {
        Tensor load(MemorySegment data) {
            int n = (int) ((end - begin) / dtype.bytes());
            if (dtype == Tensor.DType.F32) {
                float[] v = new float[n];
                MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), begin,
                        v, 0, n);
                return Tensor.wrapF32(name, v, shape);
            }
            byte[] v = new byte[n];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, begin, v, 0, n);
            return Tensor.wrapI8(name, v, shape);
        }
    }

    private static Entry entry(String name, JsonNode node, long dataLen) {
        String where = "tensor " + name;
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": header entry is not a JSON object");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new IllegalArgumentException(where + ": dtype missing or not a string");
        }
        Tensor.DType dtype;
        try {
            dtype = Tensor.DType.valueOf(dt.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": dtype " + dt.textValue()
                    + " is not one trit4j reads (F32, I8)");
        }
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new IllegalArgumentException(where + ": shape missing or not an array");
        }
        int[] shape = new int[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new IllegalArgumentException(where + ": shape[" + i + "] = " + d + " is not a non-negative int");
            }
            shape[i] = d.intValue();
            count = Math.multiplyHigh(count, shape[i]) != 0 ? Long.MAX_VALUE : count * shape[i];
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new IllegalArgumentException(where + ": data_offsets must be [begin, end], two integers");
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new IllegalArgumentException(where + ": data_offsets [" + begin + ", " + end
                    + "] are outside the data (" + dataLen + " bytes after the header)");
        }
        if (count > Integer.MAX_VALUE - 16 || end - begin != count * dtype.bytes()) {
            throw new IllegalArgumentException(where + ": data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (count > Integer.MAX_VALUE - 16 ? "too many" : String.valueOf(count * dtype.bytes())));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkOverlaps(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1);
            Entry cur = sorted.get(i);
            if (cur.begin < prev.end) {
                throw new IllegalArgumentException("tensor " + cur.name + ": data_offsets [" + cur.begin + ", "
                        + cur.end + "] overlap tensor " + prev.name + "'s [" + prev.begin + ", " + prev.end + "]");
            }
        }
    }

    /**
     * Writes this model as a safetensors file: tensors in name order, contiguous, the header padded
     * with spaces to a multiple of 8 bytes (as the reference implementation does).
     *
     * @param file where to write (replaced if it exists)
     * @throws IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        long offset = 0;
        for (Tensor t : sorted.values()) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode sh = e.putArray("shape");
            for (int d : t.shape()) {
                sh.add(d);
            }
            long len = (long) t.size() * t.dtype().bytes();
            e.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = Arrays.copyOf(json, padded);
        Arrays.fill(h, json.length, padded, (byte) ' ');
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            out.write(len.array());
            out.write(h);
            for (Tensor t : sorted.values()) {
                if (t.dtype() == Tensor.DType.F32) {
                    float[] v = t.floatsView();
                    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    out.write(b.array());
                } else {
                    out.write(t.bytesView());
                }
            }
        }
    }
}
