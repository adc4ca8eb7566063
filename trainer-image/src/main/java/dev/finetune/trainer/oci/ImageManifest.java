/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI image manifest with annotations on itself and on each layer, which jib's own templates do
 * not carry. Serialized by jib's mapper (fields in declaration order), so the bytes {@link #json()}
 * returns, and their digest, are what the registry receives.
 */
public final class ImageManifest implements ManifestTemplate {
  public static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";

  /** The layer's file name (ORAS and other artifact tools read it). */
  public static final String TITLE = "org.opencontainers.image.title";

  private final int schemaVersion = 2;
  private final String mediaType = MEDIA_TYPE;
  private Descriptor config;
  private final List<Descriptor> layers = new ArrayList<>();
  private Map<String, String> annotations;

  /** A content descriptor: media type, digest, size, annotations. */
  public static final class Descriptor implements JsonTemplate {
    private String mediaType;
    private String digest;
    private long size;
    private Map<String, String> annotations;

    public Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {
      this.mediaType = mediaType;
      this.digest = digest;
      this.size = size;
      this.annotations = annotations == null || annotations.isEmpty() ? null : annotations;
    }

    public String mediaType() {
      return mediaType;
    }

    public String digest() {
      return digest;
    }

    public long size() {
      return size;
    }
  }

  public ImageManifest(
      Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    this.config = config;
    this.layers.addAll(layers);
    this.annotations = annotations == null || annotations.isEmpty() ? null : annotations;
  }

  /** The image config: linux, the layers' diff ids (= their digests: uncompressed), the labels. */
  public static byte[] config(
      String created, List<ModelLayer.Blob> layers, Map<String, String> labels) {
    Map<String, Object> config = new LinkedHashMap<>();
    if (created != null) {
      config.put("created", created);
    }
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("config", Map.of("Labels", new TreeMap<>(labels)));
    config.put(
        "rootfs",
        Map.of(
            "type", "layers", "diff_ids", layers.stream().map(ModelLayer.Blob::digest).toList()));
    try {
      return new ObjectMapper()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false)
          .writeValueAsBytes(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest's bytes as pushed. */
  public byte[] json() {
    try {
      return JsonTemplateMapper.toByteArray(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code sha256:…} of {@link #json()}. */
  public String digest() {
    return digest(json());
  }

  public static String digest(byte[] bytes) {
    MessageDigest sha = ModelLayer.sha256();
    return "sha256:" + HexFormat.of().formatHex(sha.digest(bytes));
  }

  public Descriptor configDescriptor() {
    return config;
  }

  public List<Descriptor> layers() {
    return List.copyOf(layers);
  }

  public Map<String, String> annotations() {
    return annotations == null ? Map.of() : annotations;
  }

  @Override
  public int getSchemaVersion() {
    return schemaVersion;
  }

  @Override
  public String getManifestMediaType() {
    return mediaType;
  }
}
