/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.store;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * fabric8's CRUD store with its objects indexed by name. The store keeps every object in one map
 * keyed by attribute sets and finds the object a create, patch, update or delete names by testing
 * every key: each request costs time in proportion to everything stored, so 10,000 FineTuneJobs
 * (with their ConfigMaps, claims, Jobs and Events) take minutes per thousand requests. Here the
 * store's map keeps a second map from the {@code name} attribute to the keys with that name, kept
 * in step on every put and remove, and {@link #findResource} tests only those. Lists, watches and
 * selectors still go through the store's own code.
 */
public final class NameIndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String NAME = "name";

  private final IndexedMap store = new IndexedMap();

  public NameIndexedCrudDispatcher() {
    // The store's map is a final field the store's methods read directly; it is swapped once,
    // here, before any request. Failing here (a fabric8 upgrade renamed it) fails every local run.
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, store);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8's CrudDispatcher no longer has its map field", e);
    }
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    Attribute name = query.getAttribute(NAME);
    if (name == null || name.getType() != AttributeType.WITH) {
      return super.findResource(query);
    }
    return store.find(name, query);
  }

  /** Whether the store's methods read the indexed map (the swap above took effect). */
  boolean indexed() {
    return getMap() == store;
  }

  /**
   * The store's map (insertion-ordered, synchronized as fabric8's own) and the name index, both
   * changed under the same lock.
   */
  private static final class IndexedMap extends AbstractMap<AttributeSet, String> {
    private final Map<AttributeSet, String> objects = new LinkedHashMap<>();
    private final Map<Attribute, Set<AttributeSet>> byName = new HashMap<>();
    private final Map<AttributeSet, String> readOnly = Collections.unmodifiableMap(objects);

    synchronized Map.Entry<AttributeSet, String> find(Attribute name, AttributeSet query) {
      for (AttributeSet key : byName.getOrDefault(name, Set.of())) {
        if (key.matches(query)) {
          return new SimpleImmutableEntry<>(key, objects.get(key));
        }
      }
      return null;
    }

    @Override
    public synchronized String put(AttributeSet key, String value) {
      String before = objects.put(key, value);
      Attribute name = key.getAttribute(NAME);
      if (name != null) {
        byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
      }
      return before;
    }

    @Override
    public synchronized String remove(Object key) {
      String before = objects.remove(key);
      if (before != null && key instanceof AttributeSet attributes) {
        Attribute name = attributes.getAttribute(NAME);
        Set<AttributeSet> keys = name == null ? null : byName.get(name);
        if (keys != null) {
          keys.remove(attributes);
          if (keys.isEmpty()) {
            byName.remove(name);
          }
        }
      }
      return before;
    }

    @Override
    public synchronized void clear() {
      objects.clear();
      byName.clear();
    }

    @Override
    public synchronized String get(Object key) {
      return objects.get(key);
    }

    @Override
    public synchronized boolean containsKey(Object key) {
      return objects.containsKey(key);
    }

    @Override
    public synchronized int size() {
      return objects.size();
    }

    /**
     * A read-only view, as fabric8's synchronized map gives one: the store iterates it under its
     * own read lock, which no write holds at the same time. Removing through it would bypass the
     * index, hence read-only.
     */
    @Override
    public Set<Map.Entry<AttributeSet, String>> entrySet() {
      return readOnly.entrySet();
    }
  }
}
