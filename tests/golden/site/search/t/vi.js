KB_SEARCH.shard(["vi",{"victim":[1,2]}]);
