KB_SEARCH.shard(["de",{"destruction":[2,10]}]);
